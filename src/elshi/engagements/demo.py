"""Demo Engage data: a hybrid engagement in Berlin streamed to Almaty and one at the ministry, with
their post plans (the announcements in clearance), a few registrations, and both virtual embassies
published and exported as static files under ELSHI_HOME/sites/<slug>/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from elshi.clearance import actions as clearance_actions
from elshi.common.demo import DemoContext, demo_step
from elshi.engagements import actions
from elshi.engagements.export import export_site
from elshi.engagements.models import Engagement, MissionSite
from elshi.engagements.plan import draft_post_plan
from elshi.missions.models import Channel, Mission

SITES = {
    "berlin": {
        "messages": {
            "en": "Welcome to the Embassy of Kazakhstan in Germany. We connect Kazakhstan and Germany in "
            "trade, energy, education and culture, in Berlin and online.",
            "de": "Willkommen bei der Botschaft Kasachstans in Deutschland. Wir verbinden Kasachstan und "
            "Deutschland in Handel, Energie, Bildung und Kultur, in Berlin und online.",
            "ru": "Добро пожаловать в Посольство Казахстана в Германии.",
            "kk": "Қазақстанның Германиядағы елшілігіне қош келдіңіз.",
        },
        "contacts": {
            "en": "Nordsternstraße 3, 10825 Berlin\nPhone: +49 30 000000 (example)",
            "de": "Nordsternstraße 3, 10825 Berlin\nTelefon: +49 30 000000 (Beispiel)",
        },
        "consular": {
            "en": "Consular section: Monday to Friday, 9:00 to 12:00, by appointment.",
            "de": "Konsularabteilung: Montag bis Freitag, 9 bis 12 Uhr, nach Vereinbarung.",
            "ru": "Консульский отдел: с понедельника по пятницу, с 9:00 до 12:00, по записи.",
            "kk": "Консулдық бөлім: дүйсенбі–жұма, 9:00–12:00, алдын ала жазылу бойынша.",
        },
    },
    "astana-hq": {
        "messages": {
            "kk": "Қазақстан Республикасы Сыртқы істер министрлігінің виртуалды елшілігі.",
            "ru": "Виртуальное посольство Министерства иностранных дел Республики Казахстан.",
            "en": "The virtual embassy of the Ministry of Foreign Affairs of the Republic of Kazakhstan.",
        },
        "contacts": {"en": "Astana, Kunayev street 31 (example)", "ru": "Астана, ул. Кунаева, 31 (пример)"},
        "consular": {"en": "Consular services abroad: contact the nearest mission."},
    },
}

ENGAGEMENTS: list[dict[str, Any]] = [
    {
        "slug": "berlin",
        "days": 12,
        "hour": 18,
        "titles": {
            "en": "Green energy forum side event: Berlin – Almaty",
            "de": "Nebenveranstaltung zum Energieforum: Berlin – Almaty",
            "ru": "Сессия на полях энергетического форума: Берлин – Алматы",
            "kk": "Энергетикалық форум аясындағы іс-шара: Берлин – Алматы",
        },
        "descriptions": {
            "en": "A panel at the embassy on green hydrogen partnerships, streamed live to an audience "
            "in Almaty.",
            "de": "Ein Panel in der Botschaft zu Partnerschaften für grünen Wasserstoff, live nach "
            "Almaty übertragen.",
        },
        "venue": "Embassy of Kazakhstan, conference hall",
        "address": "Nordsternstraße 3, 10825 Berlin",
        "link": "https://meet.jit.si/KZ-Berlin-Almaty-Forum-Demo",
        "capacity": 3,
        "partners": "German-Kazakh Business Council (example); Almaty Management University (example)",
        "editor": "demo-editor",
        "people": [
            ("Anna Schmidt", "anna@example.org", "in_person", "de"),
            ("Daniyar Abenov", "daniyar@example.org", "online", "kk"),
            ("Jonas Weber", "jonas@example.org", "in_person", "de"),
            ("Olga Ivanova", "olga@example.org", "in_person", "ru"),
            ("Mark Lee", "mark@example.org", "in_person", "en"),  # the waiting list
        ],
    },
    {
        "slug": "astana-hq",
        "days": 9,
        "hour": 15,
        "titles": {
            "kk": "Министрмен онлайн сұрақ-жауап",
            "ru": "Онлайн-вопросы и ответы с министром",
            "en": "Online Q&A with the Minister",
        },
        "descriptions": {"en": "At the ministry in Astana and online: questions from the diaspora."},
        "venue": "Ministry of Foreign Affairs, press centre",
        "address": "Kunayev street 31, Astana",
        "link": "https://zoom.us/j/98765432100?pwd=DemoPasscode42",
        "capacity": 40,
        "partners": "",
        "editor": "demo-hq-editor",
        "people": [
            ("Aizhan Nurlanovna", "aizhan@example.org", "online", "kk"),
            ("Sergey Petrov", "sergey@example.org", "in_person", "ru"),
            ("Emma Brown", "emma@example.org", "online", "en"),
        ],
    },
]


@demo_step(95, "engage: hybrid engagements and virtual embassies")
def demo_engage(context: DemoContext) -> None:
    users = get_user_model().objects
    for spec in ENGAGEMENTS:
        if Engagement.objects.filter(titles__en=spec["titles"]["en"]).exists():
            continue
        mission = Mission.objects.get(slug=spec["slug"])
        editor = users.get(username=spec["editor"])
        day = (timezone.now() + dt.timedelta(days=int(spec["days"]))).astimezone(mission.zone).date()
        starts = dt.datetime.combine(day, dt.time(int(spec["hour"])), mission.zone).astimezone(dt.UTC)
        engagement = Engagement(
            mission=mission,
            kind="hybrid",
            titles=spec["titles"],
            descriptions=spec["descriptions"],
            venue=spec["venue"],
            address=spec["address"],
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            capacity=spec["capacity"],
            partners=spec["partners"],
            visibility="public",
            retention_days=30,
            meeting_provider="jitsi" if "jit.si" in str(spec["link"]) else "zoom",
        )
        engagement.set_meeting_link(str(spec["link"]))
        actions.do_save_engagement(engagement, acting_user=editor)
        channels = list(Channel.objects.filter(mission=mission, is_active=True))
        posts = draft_post_plan(engagement, channels, acting_user=editor) if channels else []
        if posts:
            clearance_actions.do_submit(posts[0], acting_user=editor)  # the announcement, in clearance
        for name, email, attendance, language in spec["people"]:
            actions.do_register(
                engagement,
                {
                    "name": name,
                    "email": email,
                    "attendance": attendance,
                    "language": language,
                    "organisation": "",
                    "consent_text": "Demo consent",
                },
                notify=False,  # demo people have no mailboxes
            )
        context.count("engagements")
        context.count("planned posts", len(posts))
    for slug, texts in SITES.items():
        mission = Mission.objects.get(slug=slug)
        site = MissionSite.objects.filter(mission=mission).first()
        if site is None:
            site = actions.do_save_site(
                MissionSite(mission=mission, is_published=True, **texts), acting_user=None
            )
            context.count("virtual embassies")
        export_site(site, Path(settings.ELSHI_HOME) / "sites" / slug)
