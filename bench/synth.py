"""Synthetic news corpora for the benchmark: many articles over several stories, Arabic and English.

`generate(n_articles, seed, out_dir)` writes `.txt` articles shaped like the real ones: a dateline with
the publication date on the first line, 5–15 sentences mixing claims about one story (deadlines,
troop counts, rates, dates — some moved over the years, some disputed the same week) with
background, quotes, diplomatic filler and page boilerplate ("Related: …", "اقرأ أيضا"), dates spread
over 2010–2025, a share of wire copies (the same text re-published by another outlet a day later)
and noise articles (sport, weather, prices). The same (n, seed) gives the same bytes, and a finished
corpus is reused: the folder carries a marker with the generator version.

    python bench/synth.py 1000 --seed 7          # -> bench/corpora/synth-n1000-s7/
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

GENERATOR_VERSION = 2
DONE_MARKER = ".synth-done.json"
CORPORA_DIR = Path(__file__).resolve().parent / "corpora"
FILES_PER_FOLDER = 1000  # keeps directory listings fast at 10k+ articles
WIRE_SHARE = 0.12
NOISE_SHARE = 0.12

EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]
AR_LEVANT = ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول",
             "تشرين الأول", "تشرين الثاني", "كانون الأول"]
AR_EGYPT = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر",
            "نوفمبر", "ديسمبر"]
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


# ----------------------------------------------------------------------------------------- formatting
@dataclass(frozen=True)
class Style:
    """How one article writes dates and numbers."""

    lang: str  # en | ar
    months: tuple[str, ...]
    indic_digits: bool = False

    def num(self, value: int) -> str:
        return self.digits(f"{value:,}" if self.lang == "en" else str(value))

    def digits(self, text: str) -> str:
        return text.translate(ARABIC_INDIC) if self.indic_digits else text

    def day(self, d: dt.date) -> str:
        return self.digits(f"{d.day} {self.months[d.month - 1]} {d.year}")

    def month(self, d: dt.date) -> str:
        return self.digits(f"{self.months[d.month - 1]} {d.year}")


def style_for(lang: str, rng: random.Random) -> Style:
    if lang == "en":
        return Style("en", tuple(EN_MONTHS))
    months = AR_LEVANT if rng.random() < 0.55 else AR_EGYPT
    return Style("ar", tuple(months), indic_digits=rng.random() < 0.15)


def dateline(city_en: str, city_ar: str, d: dt.date, style: Style, wire: str | None) -> str:
    if style.lang == "en":
        tag = f" ({wire})" if wire else ""
        return f"{city_en.upper()}, {style.day(d)}{tag} —"
    tag = f" ({wire})" if wire else ""
    return f"{city_ar} - {style.day(d)}{tag}"


# ----------------------------------------------------------------------------------------- stories
@dataclass(frozen=True)
class Story:
    """One fact that is restated over the years: a value per period, sometimes disputed."""

    key: str
    city_en: str
    city_ar: str
    start: dt.date
    end: dt.date


STORIES = (
    Story("us_iraq", "Baghdad", "بغداد", dt.date(2010, 1, 1), dt.date(2025, 12, 31)),
    Story("france_sahel", "Paris", "باريس", dt.date(2013, 1, 1), dt.date(2025, 6, 30)),
    Story("ceasefire", "Beirut", "بيروت", dt.date(2014, 1, 1), dt.date(2025, 12, 31)),
    Story("election", "Tripoli", "طرابلس", dt.date(2012, 1, 1), dt.date(2025, 12, 31)),
    Story("rates", "Cairo", "القاهرة", dt.date(2016, 1, 1), dt.date(2025, 12, 31)),
    Story("deployment", "Goma", "غوما", dt.date(2013, 1, 1), dt.date(2025, 12, 31)),
    Story("un_mission", "Bamako", "باماكو", dt.date(2015, 1, 1), dt.date(2024, 12, 31)),
)
NOISE_CITIES = (("Doha", "الدوحة"), ("Amman", "عمّان"), ("Rabat", "الرباط"), ("London", "لندن"))
OFFICIALS_EN = ("a senior defence official", "the foreign minister", "a government spokesman",
                "the mission's commander", "a diplomat close to the talks", "the prime minister's office",
                "an adviser to the president", "the army chief of staff")
OFFICIALS_AR = ("مسؤول دفاعي رفيع", "وزير الخارجية", "المتحدث باسم الحكومة", "قائد البعثة",
                "دبلوماسي مطلع على المحادثات", "مكتب رئيس الوزراء", "مستشار الرئيس", "رئيس أركان الجيش")
WIRES_EN = ("Reuters", "AFP", "AP")
WIRES_AR = ("رويترز", "فرانس برس", "الأناضول")


def _deadline(d: dt.date, rng: random.Random) -> dt.date:
    """A plausible deadline some months after the statement, sometimes at a month or year end."""
    ahead = d + dt.timedelta(days=rng.randint(60, 540))
    if rng.random() < 0.4:
        return dt.date(ahead.year, 12, 31)
    nxt = dt.date(ahead.year + (ahead.month == 12), ahead.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def claim_sentences(story: Story, d: dt.date, style: Style, rng: random.Random, disputed: bool) -> list[str]:
    """1–3 claim sentences for `story` as stated on day `d`; `disputed` invents a conflicting value."""
    deadline = _deadline(d, rng)
    troops = rng.choice((1500, 2000, 2500, 3000, 3500, 5000, 12000, 47000))
    if disputed:
        troops = troops * 2
        deadline = deadline + dt.timedelta(days=rng.choice((120, 365)))
    who_en, who_ar = rng.choice(OFFICIALS_EN), rng.choice(OFFICIALS_AR)
    months_n = rng.choice((4, 6, 12, 18))
    en, ar = style.lang == "en", style
    k = story.key
    out: list[str] = []
    if k == "us_iraq":
        out += [f"All US forces will leave Iraq by {style.month(deadline)}, {who_en} said."
                if en else f"قال {who_ar} إن جميع القوات الأمريكية ستغادر العراق بحلول {ar.month(deadline)}.",
                f"About {style.num(troops)} American troops remain in the country."
                if en else f"ولا يزال نحو {ar.num(troops)} جندي أمريكي في البلاد."]
        if rng.random() < 0.3:
            out.append("\"I think we won't leave soon,\" the general told reporters."
                       if en else "وقال الجنرال للصحافيين: \"أعتقد أننا لن نغادر قريبا\".")
    elif k == "france_sahel":
        out += [f"France announced on {style.day(d)} that its troops would leave within {style.num(months_n)} months."
                if en else f"أعلنت فرنسا في {ar.day(d)} أن قواتها ستغادر خلال {ar.num(months_n)} أشهر.",
                f"The pullout will be completed no later than {style.day(deadline)}."
                if en else f"وسيكتمل الانسحاب في موعد أقصاه {ar.day(deadline)}."]
    elif k == "ceasefire":
        start = d + dt.timedelta(days=rng.randint(3, 40))
        if disputed:
            start += dt.timedelta(days=45)
        out += [f"Mediators said the ceasefire will take effect on {style.day(start)}."
                if en else f"قال الوسطاء إن وقف إطلاق النار سيدخل حيز التنفيذ في {ar.day(start)}.",
                f"Fighters are to pull back {style.num(rng.choice((3, 5, 10)))} kilometres from the frontier."
                if en else f"وينص الاتفاق على انسحاب المقاتلين مسافة {ar.num(rng.choice((3, 5, 10)))} كيلومترات من الحدود."]
    elif k == "election":
        vote = _deadline(d, rng)
        out += [f"The presidential election will be held on {style.day(vote)}, the electoral commission said."
                if en else f"أعلنت المفوضية العليا للانتخابات أن الانتخابات الرئاسية ستجرى في {ar.day(vote)}."]
        if rng.random() < 0.35:
            moved = vote + dt.timedelta(days=rng.choice((30, 90, 365)))
            out.append(f"Parliament later voted to postpone the vote to {style.month(moved)}."
                       if en else f"وصوت البرلمان لاحقا على تأجيل الاقتراع إلى {ar.month(moved)}.")
    elif k == "rates":
        bps = rng.choice((100, 200, 300, 600)) * (2 if disputed else 1)
        out += [f"The central bank raised its key interest rates by {style.num(bps)} basis points on {style.day(d)}."
                if en else f"قرر البنك المركزي رفع أسعار الفائدة الرئيسية بمقدار {ar.num(bps)} نقطة أساس في {ar.day(d)}.",
                f"The overnight deposit rate rose to {style.num(rng.randint(9, 27))} percent."
                if en else f"وبذلك يرتفع سعر عائد الإيداع لليلة واحدة إلى {ar.num(rng.randint(9, 27))} في المئة."]
    elif k == "deployment":
        out += [f"A regional force has deployed {style.num(troops)} troops to the eastern provinces, {who_en} said."
                if en else f"قال {who_ar} إن القوة الإقليمية نشرت {ar.num(troops)} جندي في المقاطعات الشرقية.",
                "The soldiers will protect camps for people displaced by the fighting."
                if en else "وسيتولى الجنود حماية مخيمات النازحين جراء المعارك."]
    elif k == "un_mission":
        out += [f"The UN peacekeeping mission must complete its withdrawal by {style.day(deadline)}."
                if en else f"يتعين على بعثة الأمم المتحدة لحفظ السلام إكمال انسحابها بحلول {ar.day(deadline)}."]
        if rng.random() < 0.3:
            out.append(f"An official said the peacekeepers will stay until {style.month(deadline + dt.timedelta(days=180))}."
                       if en else f"وقال مسؤول إن قوات حفظ السلام ستبقى حتى {ar.month(deadline + dt.timedelta(days=180))}.")
    return out


FILLER_EN = (
    "The two sides stressed their commitment to a new phase of cooperation, {who} said.",
    "Officials also discussed border security around {place} and the role of neighbouring states.",
    "Talks are expected to continue in {place} in the coming weeks, according to a joint statement.",
    "The meeting in {place} lasted {n} hours and took place in a positive atmosphere, the statement said.",
    "Analysts in {place} said the decision reflected growing pressure at home.",
    "The United Nations welcomed the announcement and called for restraint, {who} said.",
    "Aid agencies said {n} families near {place} still depend on food deliveries.",
    "Opposition lawmakers criticised the government's handling of the file in a session of {n} minutes.",
    "The ministry declined to comment further on the details of the talks in {place}.",
    "Regional leaders are due to meet again in {place} before the end of the summit season.",
    "Diplomats described the discussions in {place} as frank and constructive.",
    "The statement, read by {who}, reaffirmed support for the country's sovereignty and stability.",
)
FILLER_AR = (
    "وأكد الجانبان التزامهما بإرساء أسس مرحلة جديدة من التعاون، بحسب {who}.",
    "وبحث المسؤولون كذلك أمن الحدود حول {place} ودور دول الجوار.",
    "ومن المتوقع أن تتواصل المحادثات في {place} خلال الأسابيع المقبلة، بحسب بيان مشترك.",
    "واستمر اللقاء في {place} {n} ساعات وجرى في أجواء إيجابية، وفق البيان.",
    "ورأى محللون في {place} أن القرار يعكس ضغوطا داخلية متزايدة.",
    "ورحبت الأمم المتحدة بالإعلان ودعت إلى ضبط النفس، بحسب {who}.",
    "وقالت وكالات الإغاثة إن {n} عائلة قرب {place} لا تزال تعتمد على المساعدات الغذائية.",
    "وانتقد نواب معارضون طريقة تعامل الحكومة مع الملف في جلسة استمرت {n} دقيقة.",
    "ورفضت الوزارة الإدلاء بمزيد من التفاصيل حول محادثات {place}.",
    "وشدد البيان الذي تلاه {who} على دعم سيادة البلاد واستقرارها.",
    "ووصف دبلوماسيون المناقشات في {place} بأنها صريحة وبناءة.",
    "ومن المقرر أن يلتقي القادة الإقليميون مجددا في {place} في وقت لاحق.",
)
PLACES_EN = ("Erbil", "Mosul", "Niamey", "Gao", "Tyre", "Benghazi", "Alexandria", "Bukavu", "Timbuktu", "Basra",
             "Sidon", "Misrata", "Kidal", "Aswan", "Beni", "Kirkuk")
PLACES_AR = ("أربيل", "الموصل", "نيامي", "غاو", "صور", "بنغازي", "الإسكندرية", "بوكافو", "تمبكتو", "البصرة",
             "صيدا", "مصراتة", "كيدال", "أسوان", "بيني", "كركوك")


def filler_sentences(style: Style, count: int, rng: random.Random) -> list[str]:
    en = style.lang == "en"
    pool = FILLER_EN if en else FILLER_AR
    return [template.format(who=rng.choice(OFFICIALS_EN if en else OFFICIALS_AR),
                            place=rng.choice(PLACES_EN if en else PLACES_AR), n=style.num(rng.randint(2, 400)))
            for template in rng.sample(pool, min(count, len(pool)))]


BOILERPLATE_EN = ("Related: Markets | Weather | Newsletter sign-up", "Share this article: Facebook | X | WhatsApp",
                  "Most read", "Sign up for our daily briefing", "© All rights reserved")
BOILERPLATE_AR = ("اقرأ أيضا: أسعار الذهب اليوم | حالة الطقس", "الأكثر قراءة", "تابعونا على فيسبوك وتويتر",
                  "جميع الحقوق محفوظة", "شارك هذا المقال")


def noise_sentences(style: Style, d: dt.date, rng: random.Random) -> list[str]:
    en = style.lang == "en"
    kind = rng.choice(("sport", "weather", "prices"))
    if kind == "sport":
        return [f"The home side won {style.num(rng.randint(1, 4))}-{style.num(rng.randint(0, 2))} on Saturday and moved "
                f"{style.num(rng.randint(1, 6))} points clear at the top of the league." if en else
                f"فاز الفريق على أرضه {style.num(rng.randint(1, 4))}-{style.num(rng.randint(0, 2))} السبت وابتعد بصدارة الدوري.",
                f"The coach will stay until the end of next season, the club said." if en else
                "وأعلن النادي أن مدربه سيبقى حتى نهاية الموسم المقبل.",
                f"The final is scheduled for {style.day(d + dt.timedelta(days=rng.randint(5, 30)))}." if en else
                f"ومن المقرر أن يقام النهائي في {style.day(d + dt.timedelta(days=rng.randint(5, 30)))}."]
    if kind == "weather":
        return ["Forecasters expect rain and strong winds until the end of the week." if en else
                "توقعت الأرصاد الجوية أمطارا ورياحا قوية حتى نهاية الأسبوع.",
                f"Temperatures will drop to {style.num(rng.randint(2, 12))} degrees in the mountains." if en else
                f"وستنخفض درجات الحرارة إلى {style.num(rng.randint(2, 12))} درجات في المرتفعات."]
    return [f"Gold prices rose by {style.num(rng.randint(5, 60))} per gram on {style.day(d)}." if en else
            f"ارتفعت أسعار الذهب بمقدار {style.num(rng.randint(5, 60))} للجرام في {style.day(d)}.",
            "Traders expect demand to remain strong in the coming weeks." if en else
            "ويتوقع التجار أن يبقى الطلب قويا خلال الأسابيع المقبلة."]


def _random_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def article(index: int, rng: random.Random) -> tuple[str, str, dt.date]:
    """(file stem, text, publication date) of one original article."""
    lang = "ar" if rng.random() < 0.55 else "en"
    style = style_for(lang, rng)
    if rng.random() < NOISE_SHARE:
        city_en, city_ar = rng.choice(NOISE_CITIES)
        d = _random_day(rng, dt.date(2010, 1, 1), dt.date(2025, 12, 31))
        claims, key = noise_sentences(style, d, rng), "noise"
    else:
        story = rng.choice(STORIES)
        city_en, city_ar, key = story.city_en, story.city_ar, story.key
        d = _random_day(rng, story.start, story.end)
        claims = claim_sentences(story, d, style, rng, disputed=rng.random() < 0.1)
    target = rng.randint(5, 15)
    filler = filler_sentences(style, max(0, target - len(claims) - 1), rng)
    body = claims[:1] + filler[: len(filler) // 2] + claims[1:] + filler[len(filler) // 2:]
    boiler = rng.sample(BOILERPLATE_EN if lang == "en" else BOILERPLATE_AR, rng.randint(1, 2))
    head = dateline(city_en, city_ar, d, style, None)
    if lang == "en":
        paragraphs = [f"{head} {body[0]}"] + body[1:]
    else:
        paragraphs = [head] + body
    text = "\n\n".join(paragraphs + boiler) + "\n"
    return f"{index:06d}_{key}_{lang}", text, d


def wire_copy(stem: str, text: str, d: dt.date, index: int, rng: random.Random) -> tuple[str, str, dt.date]:
    """The same story re-published a day later by another outlet, with its own dateline and footer."""
    first, _, rest = text.partition("\n")
    later = d + dt.timedelta(days=1)
    if any("\u0600" <= ch <= "\u06ff" for ch in first):
        wire = rng.choice(WIRES_AR)
        style = Style("ar", tuple(AR_EGYPT if any(m in first for m in AR_EGYPT) else AR_LEVANT))
        city = first.split(" - ")[0]
        first = f"{city} - {style.day(later)} ({wire})"
    else:
        wire = rng.choice(WIRES_EN)
        city, _, sentence = first.partition(", ")
        sentence = sentence.split(" — ", 1)[1] if " — " in sentence else sentence
        first = f"{city}, {Style('en', tuple(EN_MONTHS)).day(later)} ({wire}) — {sentence}"
    return f"{index:06d}_{stem.split('_', 1)[1]}_wire", f"{first}\n{rest}", later


def corpus_dir(n_articles: int, seed: int, out_dir: Path) -> Path:
    return Path(out_dir) / f"synth-n{n_articles}-s{seed}"


def generate(n_articles: int, seed: int, out_dir: Path = CORPORA_DIR) -> Path:
    """Write (or reuse) a corpus of `n_articles` articles; returns its folder."""
    if n_articles < 1:
        raise ValueError("n_articles must be at least 1")
    target = corpus_dir(n_articles, seed, out_dir)
    marker = target / DONE_MARKER
    if marker.is_file():
        info = json.loads(marker.read_text(encoding="utf-8"))
        if info.get("version") == GENERATOR_VERSION and info.get("n") == n_articles:
            return target
    if target.exists():
        shutil.rmtree(target)
    staging = target.with_name(target.name + ".partial")
    if staging.exists():
        shutil.rmtree(staging)
    rng = random.Random(seed)
    written: list[tuple[str, str, dt.date]] = []
    langs: dict[str, int] = {"ar": 0, "en": 0}
    for index in range(n_articles):
        if written and rng.random() < WIRE_SHARE:
            stem, text, d = wire_copy(*rng.choice(written), index, rng)
        else:
            stem, text, d = article(index, rng)
            written.append((stem, text, d))
        folder = staging / f"part{index // FILES_PER_FOLDER:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
        langs["ar" if "_ar" in stem or any("\u0600" <= ch <= "\u06ff" for ch in text[:40]) else "en"] += 1
    (staging / DONE_MARKER).write_text(json.dumps(
        {"version": GENERATOR_VERSION, "n": n_articles, "seed": seed, "languages": langs}), encoding="utf-8")
    staging.rename(target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=CORPORA_DIR)
    args = parser.parse_args()
    print(generate(args.n, args.seed, args.out))


if __name__ == "__main__":
    main()
