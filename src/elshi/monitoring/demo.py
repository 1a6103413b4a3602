"""Demo listening data: 90 days of a synthetic multilingual corpus, passed through the real pipeline.

A seeded generator writes short articles in kk, ru, en, de, tr and zh about the configured profile's
target and its peers, with varied outlets, narratives and tone, and a crisis spike ten days ago. Nothing is
pre-labelled: language, mentions, tone and narratives come from the analysis core (lexicon tier,
so that the first `elshi up --demo` stays quick). Every document is marked synthetic.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from elshi.analysis import CountryProfile
from elshi.common.demo import DemoContext, demo_step
from elshi.common.profile import current_profile
from elshi.documents import RawDocument
from elshi.monitoring.alerting import check_day
from elshi.monitoring.ingest import ImportSummary, ProfileAnalyzer, import_items
from elshi.monitoring.models import Document

SYNTHETIC = "demo:synthetic"
NAMES = {
    "en": {
        "KZ": "Kazakhstan",
        "UZ": "Uzbekistan",
        "KG": "Kyrgyzstan",
        "TJ": "Tajikistan",
        "TM": "Turkmenistan",
        "AZ": "Azerbaijan",
        "GE": "Georgia",
        "MN": "Mongolia",
    },
    "ru": {
        "KZ": "Казахстан",
        "UZ": "Узбекистан",
        "KG": "Кыргызстан",
        "TJ": "Таджикистан",
        "TM": "Туркменистан",
        "AZ": "Азербайджан",
        "GE": "Грузия",
        "MN": "Монголия",
    },
    "kk": {
        "KZ": "Қазақстан",
        "UZ": "Өзбекстан",
        "KG": "Қырғызстан",
        "TJ": "Тәжікстан",
        "TM": "Түрікменстан",
        "AZ": "Әзербайжан",
        "GE": "Грузия",
        "MN": "Моңғолия",
    },
    "de": {
        "KZ": "Kasachstan",
        "UZ": "Usbekistan",
        "KG": "Kirgisistan",
        "TJ": "Tadschikistan",
        "TM": "Turkmenistan",
        "AZ": "Aserbaidschan",
        "GE": "Georgien",
        "MN": "Die Mongolei",
    },
    "tr": {
        "KZ": "Kazakistan",
        "UZ": "Özbekistan",
        "KG": "Kırgızistan",
        "TJ": "Tacikistan",
        "TM": "Türkmenistan",
        "AZ": "Azerbaycan",
        "GE": "Gürcistan",
        "MN": "Moğolistan",
    },
    "zh": {
        "KZ": "哈萨克斯坦",
        "UZ": "乌兹别克斯坦",
        "KG": "吉尔吉斯斯坦",
        "TJ": "塔吉克斯坦",
        "TM": "土库曼斯坦",
        "AZ": "阿塞拜疆",
        "GE": "格鲁吉亚",
        "MN": "蒙古国",
    },
}
TEMPLATES = {
    "en": {
        "positive": [
            "{c} opens a new rail route on the Middle Corridor, a great boost for trade with Europe.",
            "{c} wins praise for fast, reliable and excellent e-government services.",
        ],
        "neutral": [
            "{c} hosts a regional conference on logistics and transit.",
            "Officials from {c} discussed digital public services at a forum in Geneva.",
        ],
        "negative": [
            "{c} faces harsh criticism after police violently detained protesters.",
            "Rights groups condemn the arrests of journalists in {c}.",
        ],
    },
    "ru": {
        "positive": [
            "{c} открыл новый успешный железнодорожный маршрут по Среднему коридору.",
            "{c} получил высокую оценку за удобные и быстрые электронные госуслуги.",
        ],
        "neutral": ["{c} провёл региональную конференцию по логистике и транзиту."],
        "negative": [
            "{c} жёстко критикуют после задержания участников протеста.",
            "Правозащитники осудили аресты журналистов: {c} под давлением.",
        ],
    },
    "kk": {
        "positive": [
            "{c} Орта дәліз бойынша жаңа табысты темір жол бағытын ашты.",
            "{c} электрондық үкімет қызметтері үшін жоғары бағаланды.",
        ],
        "neutral": ["{c} логистика және транзит бойынша өңірлік конференция өткізді."],
        "negative": ["{c} наразылық білдірушілерді ұстағаны үшін қатты сынға ұшырады."],
    },
    "de": {
        "positive": [
            "{c} eröffnet eine erfolgreiche neue Bahnverbindung im Mittleren Korridor.",
            "{c} wird für schnelle und zuverlässige digitale Verwaltung gelobt.",
        ],
        "neutral": ["{c} richtet eine regionale Konferenz zu Logistik und Transit aus."],
        "negative": ["{c} steht nach brutalen Festnahmen von Demonstranten scharf in der Kritik."],
    },
    "tr": {
        "positive": ["{c} Orta Koridor'da başarılı yeni bir demiryolu hattı açtı."],
        "neutral": ["{c} bölgesel bir lojistik konferansına ev sahipliği yaptı."],
        "negative": ["{c}, protestocuların gözaltına alınması nedeniyle sert eleştiriliyor."],
    },
    "zh": {
        "positive": ["{c}开通了中间走廊的新铁路线路，极大促进了与欧洲的贸易。"],
        "neutral": ["{c}举办了地区物流与过境会议。"],
        "negative": ["{c}因暴力拘留抗议者而受到严厉批评。"],
    },
}
OUTLETS = {
    "en": [("Demo Daily (synthetic)", "US"), ("Demo Times (synthetic)", "GB")],
    "ru": [("Демо-вести (синтетика)", "RU")],
    "kk": [("Демо ақпарат (синтетика)", "KZ")],
    "de": [("Demo-Zeitung (synthetisch)", "DE")],
    "tr": [("Demo Haber (sentetik)", "TR")],
    "zh": [("演示新闻（合成）", "CN")],
}
LANGS = ["en", "en", "ru", "ru", "kk", "de", "tr", "zh"]


def _name(profile: CountryProfile, code: str, lang: str) -> str:
    """The country's name in ``lang`` from the table, else the profile's own (English) name."""
    return NAMES[lang].get(code) or profile.country(code).name


def corpus(days: int = 90, seed: int = 2026, profile: CountryProfile | None = None) -> list[RawDocument]:
    """About the configured profile's target and peers (or ``profile``'s)."""
    profile = profile or current_profile()
    target, peers = profile.target, list(profile.peers)
    rng = random.Random(seed)  # noqa: S311 - a seeded, repeatable demo corpus, not a secret
    today = timezone.now().date()
    docs: list[RawDocument] = []
    for back in range(days, 0, -1):
        day = today - dt.timedelta(days=back)
        crisis = back == 10
        plan = [
            (target, rng.choice(["positive", "positive", "neutral", "negative"]))
            for _ in range(rng.randint(4, 7))
        ]
        plan += [
            (rng.choice(peers), rng.choice(["positive", "neutral", "negative"]))
            for _ in range(rng.randint(2, 4) if peers else 0)
        ]
        if crisis:
            plan += [(target, "negative")] * 24
        for i, (country, tone) in enumerate(plan):
            lang = rng.choice(LANGS)
            text = rng.choice(TEMPLATES[lang][tone]).format(c=_name(profile, country, lang))
            outlet, outlet_country = rng.choice(OUTLETS[lang])
            published = dt.datetime.combine(day, dt.time(rng.randint(6, 20), rng.randint(0, 59)), dt.UTC)
            docs.append(
                RawDocument(
                    source_id=SYNTHETIC,
                    url=f"https://demo.elshi.invalid/{lang}/{day.isoformat()}/{i}",
                    title=text.split(",")[0][:120],
                    text=text,
                    published_at=published,
                    outlet=outlet,
                    outlet_country=outlet_country,
                    platform="web",
                )
            )
    return docs


@demo_step(60, "listening (synthetic corpus)")
def demo_listening(context: DemoContext) -> None:
    if Document.objects.filter(source_id=SYNTHETIC).exists():
        return
    analyzer = ProfileAnalyzer(None, "lexicon")  # the configured profile
    summary = ImportSummary()
    import_items(corpus(), analyzer, summary)
    context.count("synthetic documents", summary.new)
    spike_day = timezone.now().date() - dt.timedelta(days=10)
    context.count("alerts", len(check_day(spike_day, [analyzer.profile.target, *analyzer.profile.peers])))
