"""Review fixtures: reuse the Engage and Measure fixtures."""

from tests.engage.conftest import channels, engagement, huey_immediate, published, site  # noqa: F401
from tests.engage.smtp import smtp_inbox  # noqa: F401
from tests.measure.conftest import corpus, history  # noqa: F401
