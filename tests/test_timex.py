"""Table-driven tests for checker.timex.find_times.

Each row: text, anchor, the expression expected (exact matched text), value_from, value_to,
granularity, role. Rows marked with a seed number come from the real seed articles.

Measured with `.venv/bin/python bench/timex_table_score.py` (2026-11-24, 143 rows):
  dateparser 1.5.0 alone (search_dates, languages ar+en, RELATIVE_BASE = the row's anchor, scored
  leniently: any found date inside the expected interval / at the expected end): 42/143
  checker.timex.find_times, same lenient rule: 143/143; strict (text, both ends, granularity, role): 143/143
find_times passing its own table is by construction (the table is its test); the dateparser number is
why timex does not use dateparser: it misses Levantine/Maghrebi months, roles, windows and intervals.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from checker.timex import find_dateline_date, find_times, parse_partial_date

# text, anchor, expected expression, value_from, value_to, granularity, role
TABLE: list[tuple[str, str | None, str, str | None, str | None, str, str]] = [
    # --- seeds
    ("بانسحاب قوات الولايات المتحدة من جميع الأراضي في نهاية العام الحالي", "2011", "نهاية العام الحالي",
     "2011-12-01", "2011-12-31", "month", "point"),  # seed 000, partial anchor
    ("وكان الجيش الأميركي قد أنهى مهامه القتالية في العراق نهاية آب/أغسطس الماضي", "2011-01-15",
     "نهاية آب/أغسطس الماضي", "2010-08-21", "2010-08-31", "week", "point"),  # seed 000
    ("ووقع العراق والولايات المتحدة عام 2008 اتفاقية", "2011", "عام 2008", "2008-01-01", "2008-12-31", "year", "point"),
    ("مع خفض عدد القوات الأمريكية إلى 2500 بحلول 15 يناير الماضى", "2021-04-20", "بحلول 15 يناير الماضى",
     None, "2021-01-15", "day", "deadline"),  # seed 001: a deadline already past at publication
    ("أن قواته لن تغادر العراق في الوقت القريب", "2021-04-20", "في الوقت القريب",
     "2021-04-20", "2021-07-19", "vague", "vague"),  # seed 001
    ("قال ماكنزى: أعتقد أننا لن نغادر قريبا", "2021-04-20", "قريبا", "2021-04-20", "2021-10-17", "vague", "vague"),
    ("فتح باب التقديم حتى 31 ديسمبر", "2025-12-16", "حتى 31 ديسمبر", "2025-12-16", "2025-12-31", "day", "until"),
    ("الحوار الاستراتيجي بين الولايات المتحدة والعراق في يوليو 2021", None, "يوليو 2021",
     "2021-07-01", "2021-07-31", "month", "point"),  # seed 003
    ("ولجنة التنسيق العليا في فبراير 2023", None, "فبراير 2023", "2023-02-01", "2023-02-28", "month", "point"),
    ("يشار إلى أن العراق كان قد أعلن في نهاية 2021 انتهاء المهام القتالية", None, "نهاية 2021",
     "2021-12-01", "2021-12-31", "month", "point"),  # seed 003
    ("وأوضح النعمان، في بيان صباح اليوم الجمعة (7 تشرين الثاني 2025)، أن المشاورات", "2025-11-07",
     "7 تشرين الثاني 2025", "2025-11-07", "2025-11-07", "day", "statement"),  # seed 004
    ("التي عقدها المسؤولون يوم أمس الخميس جاءت", "2025-11-07", "يوم أمس الخميس",
     "2025-11-06", "2025-11-06", "day", "point"),  # seed 004
    ("سيواصلون مشاوراتهم في الأشهر المقبلة بهدف", "2025-11-07", "الأشهر المقبلة",
     "2025-11-07", "2026-05-06", "vague", "vague"),  # seed 004
    ("في (27 أيلول 2025)، أعلنت الحكومة والولايات المتحدة عن اتفاق على إنهاء المهمة العسكرية للتحالف في العراق "
     "خلال الـ12 شهراً المقبلة، وفي موعد لا يتجاوز نهاية أيلول 2025", "2025-11-07", "خلال الـ12 شهراً المقبلة",
     "2025-09-27", "2026-09-27", "month", "window"),  # seed 004: the statement date anchors the window
    ("في (27 أيلول 2025)، أعلنت الحكومة والولايات المتحدة عن اتفاق على إنهاء المهمة العسكرية للتحالف في العراق "
     "خلال الـ12 شهراً المقبلة، وفي موعد لا يتجاوز نهاية أيلول 2025", "2025-11-07",
     "في موعد لا يتجاوز نهاية أيلول 2025", "2025-09-27", "2025-09-30", "week", "deadline"),  # seed 004
    ("في (27 أيلول 2025)، أعلنت الحكومة عن اتفاق", "2025-11-07", "27 أيلول 2025",
     "2025-09-27", "2025-09-27", "day", "statement"),
    # --- Arabic absolute, every month family
    ("جرى ذلك في 3 كانون الثاني 2020", None, "3 كانون الثاني 2020", "2020-01-03", "2020-01-03", "day", "point"),
    ("في 14 شباط 2019", None, "14 شباط 2019", "2019-02-14", "2019-02-14", "day", "point"),
    ("في 20 آذار 2003 بدأت الحرب", None, "20 آذار 2003", "2003-03-20", "2003-03-20", "day", "point"),
    ("واشنطن - 14 نيسان 2021", None, "14 نيسان 2021", "2021-04-14", "2021-04-14", "day", "point"),
    ("في أيار 2011", None, "أيار 2011", "2011-05-01", "2011-05-31", "month", "point"),
    ("في 30 حزيران 2009 انسحبت القوات من المدن", None, "30 حزيران 2009", "2009-06-30", "2009-06-30", "day", "point"),
    ("في تموز 2014", None, "تموز 2014", "2014-07-01", "2014-07-31", "month", "point"),
    ("طرابلس - 10 أيلول 2021", None, "10 أيلول 2021", "2021-09-10", "2021-09-10", "day", "point"),
    ("في 31 تشرين الأول 2022", None, "31 تشرين الأول 2022", "2022-10-31", "2022-10-31", "day", "point"),
    ("في كانون الأول 2011", None, "كانون الأول 2011", "2011-12-01", "2011-12-31", "month", "point"),
    ("أعلن في 5 يونيه 2020", None, "5 يونيه 2020", "2020-06-05", "2020-06-05", "day", "statement"),
    ("في 9 يوليه 2020", None, "9 يوليه 2020", "2020-07-09", "2020-07-09", "day", "point"),
    ("في 21 أغسطس 2021", None, "21 أغسطس 2021", "2021-08-21", "2021-08-21", "day", "point"),
    ("في ابريل 2023", None, "ابريل 2023", "2023-04-01", "2023-04-30", "month", "point"),
    ("في 2 مايو 2011", None, "2 مايو 2011", "2011-05-02", "2011-05-02", "day", "point"),
    ("في 16 ديسمبر 2025", None, "16 ديسمبر 2025", "2025-12-16", "2025-12-16", "day", "point"),
    ("الجزائر في 5 جويلية 1962", None, "5 جويلية 1962", "1962-07-05", "1962-07-05", "day", "point"),
    ("في 12 جانفي 2022", None, "12 جانفي 2022", "2022-01-12", "2022-01-12", "day", "point"),
    ("في فيفري 2021", None, "فيفري 2021", "2021-02-01", "2021-02-28", "month", "point"),
    ("في 3 أفريل 2020", None, "3 أفريل 2020", "2020-04-03", "2020-04-03", "day", "point"),
    ("في جوان 2019", None, "جوان 2019", "2019-06-01", "2019-06-30", "month", "point"),
    ("في 15 أوت 2021", None, "15 أوت 2021", "2021-08-15", "2021-08-15", "day", "point"),
    ("الرباط في 30 يوليوز 2023", None, "30 يوليوز 2023", "2023-07-30", "2023-07-30", "day", "point"),
    ("في 14 غشت 2022", None, "14 غشت 2022", "2022-08-14", "2022-08-14", "day", "point"),
    ("في شتنبر 2021", None, "شتنبر 2021", "2021-09-01", "2021-09-30", "month", "point"),
    ("في 6 نونبر 2020", None, "6 نونبر 2020", "2020-11-06", "2020-11-06", "day", "point"),
    ("في 18 دجنبر 2019", None, "18 دجنبر 2019", "2019-12-18", "2019-12-18", "day", "point"),
    ("في 29 آب/أغسطس 2021", None, "29 آب/أغسطس 2021", "2021-08-29", "2021-08-29", "day", "point"),
    ("في ٢٧ أيلول ٢٠٢٥", None, "٢٧ أيلول ٢٠٢٥", "2025-09-27", "2025-09-27", "day", "point"),
    ("عام ۲۰۱۱", None, "عام ۲۰۱۱", "2011-01-01", "2011-12-31", "year", "point"),
    ("بتاريخ 27/09/2025", None, "27/09/2025", "2025-09-27", "2025-09-27", "day", "point"),
    # --- Arabic qualified and relative
    ("بحلول منتصف عام 2024", "2023-01-10", "بحلول منتصف عام 2024", "2023-01-10", "2024-07-31", "month", "deadline"),
    ("في أواخر 2025", None, "أواخر 2025", "2025-10-01", "2025-12-31", "quarter", "point"),
    ("في مطلع 2025", None, "مطلع 2025", "2025-01-01", "2025-03-31", "quarter", "point"),
    ("خلال الربع الأول من عام 2024", None, "الربع الأول من عام 2024", "2024-01-01", "2024-03-31", "quarter", "point"),
    ("العام المقبل", "2021-06-01", "العام المقبل", "2022-01-01", "2022-12-31", "year", "point"),
    ("العام الماضي", "2021-06-01", "العام الماضي", "2020-01-01", "2020-12-31", "year", "point"),
    ("في 24 كانون الأول/ديسمبر المقبل", "2021-06-01", "24 كانون الأول/ديسمبر المقبل",
     "2021-12-24", "2021-12-24", "day", "point"),
    ("في 15 يناير", "2021-12-20", "15 يناير", "2022-01-15", "2022-01-15", "day", "point"),
    ("في 15 يناير", "2021-07-20", "15 يناير", "2022-01-15", "2022-01-15", "day", "point"),  # nearest: 179 days on
    ("وقع الهجوم الثلاثاء", "2025-11-07", "الثلاثاء", "2025-11-04", "2025-11-04", "day", "point"),
    ("وصل أمس", "2025-11-07", "أمس", "2025-11-06", "2025-11-06", "day", "point"),
    ("أمس الأول", "2025-11-07", "أمس الأول", "2025-11-05", "2025-11-05", "day", "point"),
    ("منذ عام 2003", "2021-06-01", "منذ عام 2003", "2003-01-01", None, "year", "since"),
    ("حتى نهاية 2021", "2021-06-01", "حتى نهاية 2021", "2021-06-01", "2021-12-31", "month", "until"),
    ("بين أربعة وستة أشهر", "2021-06-01", "بين أربعة وستة أشهر", "2021-06-01", "2021-12-01", "month", "duration"),
    ("في غضون السنوات الخمس القادمة", "2021-06-01", "في غضون السنوات الخمس القادمة",
     "2021-06-01", "2026-06-01", "year", "window"),
    ("خلال ستة أشهر", "2022-02-17", "خلال ستة أشهر", "2022-02-17", "2022-08-17", "month", "window"),
    ("قبل ثلاثة أشهر", "2021-06-01", "قبل ثلاثة أشهر", "2021-03-01", "2021-03-01", "month", "point"),
    ("الأسبوع المقبل", "2025-11-07", "الأسبوع المقبل", "2025-11-10", "2025-11-16", "week", "point"),
    ("5 ربيع الآخر 1447 هـ الموافق 27 أيلول 2025", None, "5 ربيع الآخر 1447 هـ الموافق 27 أيلول 2025",
     "2025-09-27", "2025-09-27", "day", "point"),
    # --- English
    ("France, which announced on 17 February 2022 that its troops would leave Mali within six months",
     "2022-06-01", "within six months", "2022-02-17", "2022-08-17", "month", "window"),
    ("France, which announced on 17 February 2022 that its troops would leave Mali", "2022-06-01",
     "17 February 2022", "2022-02-17", "2022-02-17", "day", "statement"),
    ("BAGHDAD, 10 December 2021 — the coalition", None, "10 December 2021", "2021-12-10", "2021-12-10", "day", "point"),
    ("on September 27, 2025 they met", None, "September 27, 2025", "2025-09-27", "2025-09-27", "day", "point"),
    ("the combat mission ends at the end of 2021", None, "the end of 2021", "2021-12-01", "2021-12-31", "month", "point"),
    ("troops will stay until at least mid-2024", "2023-03-01", "until at least mid-2024",
     "2023-03-01", "2024-07-31", "month", "until"),
    ("by 15 January", "2020-11-17", "by 15 January", "2020-11-17", "2021-01-15", "day", "deadline"),
    ("no later than the end of September 2025", "2025-09-27", "no later than the end of September 2025",
     "2025-09-27", "2025-09-30", "week", "deadline"),
    ("before 1 June 2021", "2021-01-01", "before 1 June 2021", "2021-01-01", "2021-05-31", "day", "deadline"),
    ("the withdrawal would take four to six months", "2021-04-14", "four to six months",
     "2021-04-14", "2021-10-14", "month", "duration"),
    ("within the next 12 months", "2025-09-27", "within the next 12 months", "2025-09-27", "2026-09-27", "month", "window"),
    ("since March 2003", None, "since March 2003", "2003-03-01", None, "month", "since"),
    ("in 2021", None, "2021", "2021-01-01", "2021-12-31", "year", "point"),
    ("last August", "2011-01-15", "last August", "2010-08-01", "2010-08-31", "month", "point"),
    ("next year", "2021-06-01", "next year", "2022-01-01", "2022-12-31", "year", "point"),
    ("by the end of the current year", "2021-06-01", "by the end of the current year",
     "2021-06-01", "2021-12-31", "month", "deadline"),
    ("the attack happened on Tuesday", "2025-11-07", "Tuesday", "2025-11-04", "2025-11-04", "day", "point"),
    ("yesterday", "2025-11-07", "yesterday", "2025-11-06", "2025-11-06", "day", "point"),
    ("US forces will not leave soon", "2021-04-20", "soon", "2021-04-20", "2021-10-17", "vague", "vague"),
    ("in the coming months", "2021-04-20", "in the coming months", "2021-04-20", "2021-10-17", "vague", "vague"),
    ("in the first quarter of 2024", None, "the first quarter of 2024", "2024-01-01", "2024-03-31", "quarter", "point"),
    ("late 2025", None, "late 2025", "2025-10-01", "2025-12-31", "quarter", "point"),
    ("early 2025", None, "early 2025", "2025-01-01", "2025-03-31", "quarter", "point"),
    ("three months ago", "2021-06-01", "three months ago", "2021-03-01", "2021-03-01", "month", "point"),
    # --- more Arabic: ordinals, ranges, duals, Hijri twins, weekdays with dates, current month
    ("الجولة الثالثة في السابع من أبريل الماضى", "2021-06-01", "السابع من أبريل الماضى",
     "2021-04-07", "2021-04-07", "day", "point"),  # seed 001
    ("بين عامي 2021 و2023", None, "بين عامي 2021 و2023", "2021-01-01", "2023-12-31", "year", "point"),
    ("من كانون الثاني 2021 حتى نهاية 2022", None, "من كانون الثاني 2021 حتى نهاية 2022",
     "2021-01-01", "2022-12-31", "month", "point"),
    ("خلال العامين المقبلين", "2021-01-01", "خلال العامين المقبلين", "2021-01-01", "2023-01-01", "year", "window"),
    ("خلال الأشهر الستة الماضية", "2021-06-01", "خلال الأشهر الستة الماضية", "2020-12-01", "2021-06-01", "month", "point"),
    ("منذ ستة أشهر", "2021-06-01", "منذ ستة أشهر", "2020-12-01", None, "month", "since"),
    ("في غضون أسبوعين", "2021-06-01", "في غضون أسبوعين", "2021-06-01", "2021-06-15", "week", "window"),
    ("ليس قريبا", "2021-06-01", "ليس قريبا", "2021-11-28", None, "vague", "vague"),
    ("نهاية الشهر الجاري", "2021-06-01", "نهاية الشهر الجاري", "2021-06-21", "2021-06-30", "week", "point"),
    ("أوائل العام المقبل", "2021-06-01", "أوائل العام المقبل", "2022-01-01", "2022-03-31", "quarter", "point"),
    ("الربع الأخير من العام الجاري", "2024-02-01", "الربع الأخير من العام الجاري",
     "2024-10-01", "2024-12-31", "quarter", "point"),
    ("الثلاثاء المقبل", "2025-11-07", "الثلاثاء المقبل", "2025-11-11", "2025-11-11", "day", "point"),
    ("بشوش الثلاثاء، 16 ديسمبر 2025 04:37 م", "2025-12-16", "الثلاثاء، 16 ديسمبر 2025",
     "2025-12-16", "2025-12-16", "day", "point"),  # seed 001
    ("27 أيلول 2025 الموافق 5 ربيع الآخر 1447 هـ", None, "27 أيلول 2025 الموافق 5 ربيع الآخر 1447 هـ",
     "2025-09-27", "2025-09-27", "day", "point"),
    ("في شهر رمضان 1446", None, "شهر رمضان 1446", "2025-03-01", "2025-03-29", "month", "point"),
    ("يوليو/تموز 2021", None, "يوليو/تموز 2021", "2021-07-01", "2021-07-31", "month", "point"),
    ("في 25 أيار الجاري", "2024-05-12", "25 أيار الجاري", "2024-05-25", "2024-05-25", "day", "point"),
    ("الذهب يتراجع من أعلى مستوى في 5 أسابيع", "2018-03-01", "في 5 أسابيع", "2018-01-25", "2018-03-01", "week", "point"),
    ("الانتخابات في ديسمبر المقبل", "2021-09-10", "ديسمبر المقبل", "2021-12-01", "2021-12-31", "month", "point"),
    ("بعد ستة أشهر", "2021-06-01", "بعد ستة أشهر", "2021-12-01", "2021-12-01", "month", "point"),
    ("حتى ١٥ آب ٢٠٢٤", "2024-01-01", "حتى ١٥ آب ٢٠٢٤", "2024-01-01", "2024-08-15", "day", "until"),
    # --- more English
    ("from 2011 to 2014", None, "from 2011 to 2014", "2011-01-01", "2014-12-31", "year", "point"),
    ("in the next two years", "2021-01-01", "in the next two years", "2021-01-01", "2023-01-01", "year", "window"),
    ("six months later", "2021-06-01", "six months later", "2021-12-01", "2021-12-01", "month", "point"),
    ("not soon", "2021-06-01", "not soon", "2021-11-28", None, "vague", "vague"),
    ("by 2011", "2008-11-17", "by 2011", "2008-11-17", "2011-12-31", "year", "deadline"),
    ("before the end of the year", "2021-06-01", "before the end of the year", "2021-06-01", "2021-12-31", "month", "deadline"),
    ("Q3 2024", None, "Q3 2024", "2024-07-01", "2024-09-30", "quarter", "point"),
    ("late September", "2025-10-20", "late September", "2025-09-21", "2025-09-30", "week", "point"),
    ("the seventh of April 2021", None, "the seventh of April 2021", "2021-04-07", "2021-04-07", "day", "point"),
    ("approved by the Security Council in June.", "2023-12-31", "June", "2023-06-01", "2023-06-30", "month", "point"),
    ("on Jan. 15, 2021", None, "Jan. 15, 2021", "2021-01-15", "2021-01-15", "day", "point"),
    ("shortly", "2021-06-01", "shortly", "2021-06-01", "2021-08-30", "vague", "vague"),
    ("the spring of 2003", None, "the spring of 2003", "2003-03-01", "2003-05-31", "quarter", "point"),
    ("earlier this year", "2021-06-15", "earlier this year", "2021-01-01", "2021-06-15", "year", "point"),
    ("in the coming weeks", "2021-06-15", "in the coming weeks", "2021-06-15", "2021-07-27", "vague", "vague"),
    # --- seasons and relative qualifiers in Arabic
    ("صيف 2021", None, "صيف 2021", "2021-06-01", "2021-08-31", "quarter", "point"),
    ("الصيف الماضي", "2021-03-01", "الصيف الماضي", "2020-06-01", "2020-08-31", "quarter", "point"),
    ("في وقت سابق من هذا العام", "2021-06-15", "في وقت سابق من هذا العام", "2021-01-01", "2021-06-15", "year", "point"),
    ("في الأيام المقبلة", "2021-06-15", "الأيام المقبلة", "2021-06-15", "2021-06-29", "vague", "vague"),
    ("منذ عقدين", "2024-04-01", "منذ عقدين", "2004-04-01", None, "year", "since"),
    ("منذ عام", "2024-04-01", "منذ عام", "2023-04-01", None, "year", "since"),
    ("خلال شهر آب", "2024-04-01", "شهر آب", "2024-08-01", "2024-08-31", "month", "point"),
    ("خلال عام 2021", None, "عام 2021", "2021-01-01", "2021-12-31", "year", "point"),
    ("مع حلول عام 2025", "2024-04-01", "مع حلول عام 2025", "2024-04-01", "2025-12-31", "year", "deadline"),
    ("بعد عام من الاتفاق", "2024-04-01", "بعد عام", None, None, "year", "duration"),
    ("The 1990s were hard", None, "The 1990s", "1990-01-01", "1999-12-31", "year", "point"),
    ("في 27 و28 أيلول 2025", None, "27 و28 أيلول 2025", "2025-09-27", "2025-09-28", "day", "point"),
    ("September 27-28, 2025", None, "September 27-28, 2025", "2025-09-27", "2025-09-28", "day", "point"),
    ("ستنسحب القوات خلال أيام", "2021-01-01", "خلال أيام", "2021-01-01", "2021-01-15", "vague", "vague"),
    ("within weeks", "2021-01-01", "within weeks", "2021-01-01", "2021-02-12", "vague", "vague"),
    ("ستبقى في مالي حتى منتصف عام 2024 على الأقل، إذ", "2023-07-03", "حتى منتصف عام 2024 على الأقل",
     "2023-07-03", "2024-07-31", "month", "until"),  # devstory u2
]


def _pick(text: str, anchor: str | None, expr: str):
    refs = find_times(text, anchor)
    hits = [r for r in refs if r.text == expr]
    assert hits, f"{expr!r} not found in {[r.text for r in refs]}"
    return hits[0]


@pytest.mark.parametrize("text,anchor,expr,value_from,value_to,granularity,role", TABLE,
                         ids=[f"{i:03d}" for i in range(len(TABLE))])
def test_table(text, anchor, expr, value_from, value_to, granularity, role):
    ref = _pick(text, anchor, expr)
    assert (ref.value_from, ref.value_to, ref.granularity, ref.role) == (value_from, value_to, granularity, role)
    assert text[ref.start:ref.end] == expr


def test_table_is_big_enough():
    arabic = [row for row in TABLE if any("\u0600" <= ch <= "\u06ff" for ch in row[0])]
    assert len(TABLE) >= 70 and len(arabic) >= 45 and len(TABLE) - len(arabic) >= 20


@pytest.mark.parametrize("text", [
    "انتشر نحو 47 ألف جندي في المنطقة",
    "cut to 2500 troops",
    "raised rates by 600 basis points",
    "inflation reached 27.25 percent",
    "some 2000 troops remain",
    "خلال اللقاء بحث الطرفان العلاقات",
    "we may go there",
    "أسعار الذهب اليوم السابع",
    "والسن لا يزيد عن 60 عامًا",
    "the index closed at 2021 points",
    "call 2024-555-1234",
    "خلال أيام العيد",
    "ملكة أغاني السول أريثا فرانكلين ترحل عن 76 عاما",
])
def test_numbers_that_are_not_times(text):
    assert find_times(text, "2021-01-01") == []


def test_no_overlaps_and_offsets():
    text = "في (27 أيلول 2025)، أعلنت خلال الـ12 شهراً المقبلة، وفي موعد لا يتجاوز نهاية أيلول 2025"
    refs = find_times(text, "2025-11-07")
    spans = sorted((r.start, r.end) for r in refs)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    assert all(text[r.start:r.end] == r.text for r in refs)


def test_at_least_is_noted_in_both_languages():
    for text in ("حتى منتصف عام 2024 على الأقل", "until at least mid-2024"):
        assert "at-least" in find_times(text, "2023-07-03")[0].notes


def test_statement_anchor_reported():
    text = "في (27 أيلول 2025)، أعلنت الحكومة انسحابا خلال الـ12 شهراً المقبلة"
    window = _pick(text, "2025-11-07", "خلال الـ12 شهراً المقبلة")
    assert (window.anchor, window.anchor_how) == ("2025-09-27", "statement")


def test_partial_and_missing_anchor():
    ref = _pick("في نهاية العام الحالي", "2011", "نهاية العام الحالي")
    assert (ref.anchor, ref.anchor_how) == ("2011-01-01", "partial")
    ref = _pick("في نهاية العام الحالي", None, "نهاية العام الحالي")
    assert (ref.value_from, ref.value_to, ref.anchor_how) == (None, None, "none")
    ref = _pick("في 3 كانون الثاني 2020", None, "3 كانون الثاني 2020")
    assert ref.value_from == "2020-01-03"


def test_vague_days_come_from_config():
    from checker.config import Config

    ref = find_times("soon", "2021-01-01", config=Config().replace(soon_days=10))[0]
    assert ref.value_to == "2021-01-11"


def test_hijri_mismatch_noted():
    ref = find_times("15 رمضان 1446 هـ الموافق 27 أيلول 2025", None)[0]
    assert ref.value_from == "2025-09-27"
    assert any(n.startswith("hijri-gregorian-mismatch") for n in ref.notes)
    ref = find_times("5 ربيع الآخر 1447 هـ الموافق 27 أيلول 2025", None)[0]
    assert not any(n.startswith("hijri-gregorian-mismatch") for n in ref.notes)


def test_parse_partial_date():
    assert parse_partial_date("2011") == (dt.date(2011, 1, 1), dt.date(2011, 12, 31))
    assert parse_partial_date("2011-02") == (dt.date(2011, 2, 1), dt.date(2011, 2, 28))
    assert parse_partial_date("2011-07-03") == (dt.date(2011, 7, 3), dt.date(2011, 7, 3))
    with pytest.raises(ValueError):
        parse_partial_date("July 2011")


@pytest.mark.parametrize("text,expected", [
    ("طرابلس - 10 أيلول 2021\nقال المتحدث", dt.date(2021, 9, 10)),
    ("BAGHDAD, 10 December 2021 — The coalition", dt.date(2021, 12, 10)),
    ("واشنطن - 14 نيسان 2021", dt.date(2021, 4, 14)),
    ("وأوضح في بيان صباح اليوم الجمعة (7 تشرين الثاني 2025)، أن", dt.date(2025, 11, 7)),
    ("لا تاريخ هنا", None),
])
def test_find_dateline_date(text, expected):
    assert find_dateline_date(text) == expected


def test_user_rules_dir_without_time_lexicon_uses_the_shipped_one(tmp_path):
    from checker.config import Config

    refs = find_times("في 27 أيلول 2025", None, config=Config().replace(rules_dir=tmp_path))
    assert refs[0].value_from == "2025-09-27"


def test_broken_time_lexicon_is_a_one_line_error(tmp_path):
    from checker.config import Config
    from checker.errors import LexiconError

    (tmp_path / "lexicon").mkdir()
    (tmp_path / "lexicon" / "time.yaml").write_text("months: [unclosed\n", encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        find_times("في 27 أيلول 2025", None, config=Config().replace(rules_dir=tmp_path))
    assert "time.yaml" in info.value.one_line() and "\n" not in info.value.one_line()


def test_unquoted_yaml_boolean_in_lexicon_is_reported(tmp_path):
    from checker.config import Config, default_rules_dir
    from checker.errors import LexiconError

    (tmp_path / "lexicon").mkdir()
    shipped = (default_rules_dir() / "lexicon" / "time.yaml").read_text(encoding="utf-8")
    (tmp_path / "lexicon" / "time.yaml").write_text(shipped.replace('"on"', "on"), encoding="utf-8")
    with pytest.raises(LexiconError, match="not text"):
        find_times("x", None, config=Config().replace(rules_dir=tmp_path))


SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def test_seed_004_whole_article():
    refs = {r.text: r for r in find_times(_seed("004"), "2025-11-07")}
    assert refs["27 أيلول 2025"].role == "statement"
    window = refs["خلال الـ12 شهراً المقبلة"]
    assert (window.value_from, window.value_to, window.anchor_how) == ("2025-09-27", "2026-09-27", "statement")
    deadline = refs["في موعد لا يتجاوز نهاية أيلول 2025"]
    assert (deadline.value_from, deadline.value_to, deadline.role) == ("2025-09-27", "2025-09-30", "deadline")
    assert refs["7 تشرين الثاني 2025"].role == "statement"
    assert refs["يوم أمس الخميس"].value_from == "2025-11-06"
    assert refs["لعام 2008"].value_to == "2008-12-31"


def test_seed_000_partial_anchor():
    refs = {r.text: r for r in find_times(_seed("000"), "2011")}
    assert refs["نهاية العام الحالي"].value_to == "2011-12-31"
    assert (refs["نهاية آب/أغسطس الماضي"].value_to, refs["نهاية آب/أغسطس الماضي"].anchor_how) == ("2010-08-31", "partial")
    assert refs["عام 2008"].value_from == "2008-01-01"


def test_seed_001_dates():
    refs = {r.text: r for r in find_times(_seed("001"), "2021-05-01")}
    assert refs["السابع من أبريل الماضى"].value_from == "2021-04-07"
    assert refs["بحلول 15 يناير الماضى"].value_to == "2021-01-15"
    assert refs["في الوقت القريب"].granularity == "vague"
    assert "اليوم" not in refs  # "اليوم السابع" is the newspaper's name


def test_resolution_numbers_are_not_years():
    assert find_times("صدر القرار 2100 عن مجلس الأمن", "2021-01-01") == []
    assert find_times("under Resolution 2100", "2021-01-01") == []


def test_a_country_name_is_not_an_age_cue():
    # "السنغال" starts with "السن" (age); the duration after it is still a window
    refs = find_times("ستنسحب القوات الفرنسية من السنغال في غضون أربعة أشهر", "2025-03-07")
    assert [(r.role, r.value_to) for r in refs] == [("window", "2025-07-07")]
