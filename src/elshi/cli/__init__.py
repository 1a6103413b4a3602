"""The ``elshi`` command. Exit codes: 0 success, 1 the work failed, 2 unusable input or arguments."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import typer
from rich.console import Console

from elshi.cli._django import setup
from elshi.cli.audit import audit_app
from elshi.cli.claims import claims_app
from elshi.cli.keys_c2pa import keys_c2pa
from elshi.cli.listen import listen_app
from elshi.cli.ops import backup_app_commands, check_command, keys_rotate
from elshi.cli.people import mission_app, token_app, user_app
from elshi.cli.profile import profile_app
from elshi.cli.report import report_app
from elshi.cli.server import serve_command, up_command, worker_command
from elshi.cli.site import site_app

console = Console()
err = Console(stderr=True)

app = typer.Typer(
    name="elshi",
    help="elshi: the digital-diplomacy workbench. Listen, tell, clear, publish, measure, engage.",
    no_args_is_help=True,
    add_completion=False,
)
bench_app = typer.Typer(
    help="Benchmarks: a readable table, then one JSON line of figures.", no_args_is_help=True
)
eval_app = typer.Typer(help="Evaluations on labelled data: scores as one JSON line.", no_args_is_help=True)
sources_app = typer.Typer(
    help="Listening sources: parse GDELT, feeds, social exports and files.", no_args_is_help=True
)

app.command("up")(up_command)
app.command("serve")(serve_command)
app.command("worker")(worker_command)
app.command("check")(check_command)
for name, func in backup_app_commands().items():
    app.command(name)(func)
app.add_typer(user_app, name="user")
app.add_typer(mission_app, name="mission")
app.add_typer(token_app, name="token")
app.add_typer(audit_app, name="audit")
app.add_typer(bench_app, name="bench")
app.add_typer(eval_app, name="eval")
app.add_typer(sources_app, name="sources")
app.add_typer(listen_app, name="listen")
app.add_typer(site_app, name="site")
app.add_typer(report_app, name="report")
app.add_typer(profile_app, name="profile")
app.add_typer(claims_app, name="claims")
creative_app = typer.Typer(
    help="Story cards and short vertical videos from JSON specs.",
    no_args_is_help=True,
)
app.add_typer(creative_app, name="creative")
train_app = typer.Typer(
    help="Train the bundled models from train-ok data in ../shared/data.",
    no_args_is_help=True,
)
app.add_typer(train_app, name="train")
keys_app = typer.Typer(help="Keys that encrypt channel credentials at rest.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
keys_app.command("rotate")(keys_rotate)
keys_app.command("c2pa")(keys_c2pa)


@app.command("manage", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def manage(ctx: typer.Context) -> None:
    """Run a Django management command, e.g. `elshi manage check --deploy`."""
    setup()
    # Imported after setup(): Django's apps load only once it is configured.
    from django.core.management import execute_from_command_line

    execute_from_command_line(["elshi manage", *ctx.args])


def register_plugins() -> None:
    """Commands contributed by the pure packages, when they are installed."""
    plugins: list[tuple[Any, str, str, str]] = [
        (bench_app, "analysis", "elshi.analysis.commands", "bench_analysis"),
        (eval_app, "tone", "elshi.analysis.commands", "eval_tone"),
        (eval_app, "mentions", "elshi.analysis.commands", "eval_mentions"),
        (eval_app, "narratives", "elshi.analysis.commands", "eval_narratives"),
        (train_app, "tone", "elshi.analysis.commands", "train_tone"),
        (app, "analyze", "elshi.analysis.commands", "analyze"),
        (bench_app, "sources", "elshi.sources.commands", "bench_sources"),
        (bench_app, "publishing", "elshi.publishing.bench", "bench_publishing"),
        (bench_app, "dashboard", "elshi.monitoring.bench", "bench_dashboard"),
        (bench_app, "creative", "elshi.creative.commands", "bench_creative"),
        (creative_app, "card", "elshi.creative.commands", "render_card_spec"),
        (creative_app, "video", "elshi.creative.commands", "render_video_spec"),
        (sources_app, "parse", "elshi.sources.commands", "sources_parse"),
    ]
    for group, name, module_name, attr in plugins:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        func = getattr(module, attr, None)
        if func is not None:
            group.command(name)(func)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elshi.web.settings")
    register_plugins()
    app(prog_name="elshi")


if __name__ == "__main__":
    main()
    sys.exit(0)
