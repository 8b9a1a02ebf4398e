"""Places: towns from the gazetteer, the cited table, and what is not a place.

Every sentence here is written for the test. Coordinates are checked against published
values (Erbil citadel about 36.19 N, 44.01 E; Basra about 30.51 N, 47.78 E), not against the
gazetteer's own numbers.
"""

import datetime as dt
import shutil

import pytest

from analysis.errors import UsageError
from analysis.extract.article import extract_article
from analysis.extract.gazetteer import gazetteer_key, plain_name
from analysis.extract.lexicon import DEFAULT_DIRECTORY, load_lexicon
from analysis.extract.reading import sentence_hits
from analysis.records import Article

from own_texts import own_article


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


def _places(lexicon, text, countries=frozenset()):
    return [(h.text, h.value.country) for h in lexicon.places.find(text, None, countries)]


def test_gazetteer_loads_and_places_a_known_city(lexicon):
    [hit] = lexicon.places.find("Two rockets landed in Basrah overnight.")
    assert (hit.value.kind, hit.value.country, hit.value.admin1) == ("city", "Iraq", "Basra")
    assert abs(hit.value.latitude - 30.51) < 0.1 and abs(hit.value.longitude - 47.78) < 0.1


def test_spellings_with_and_without_the_article_are_one_town(lexicon):
    hits = lexicon.places.find("Shelling near al-Qaim, then Qaim and Al Qaim again.")
    assert len(hits) == 3 and len({h.value for h in hits}) == 1
    assert hits[0].value.admin1 == "Al Anbar"
    assert gazetteer_key("Al Qā’im") == gazetteer_key("al-Qaim") == "qaim"


def test_towns_are_named_without_the_gazetteers_diacritics(lexicon):
    # The gazetteer writes "Al Qā’im" and "En Nâqoûra"; readers see plain Latin letters.
    hits = lexicon.places.find("Shelling near al-Qaim. A drone struck al-Naqoura in the south.")
    assert [h.value.location for h in hits] == ["Al Qa'im", "En Naqoura"]
    assert plain_name("Ḩarir") == "Harir"


def test_cited_sites_and_their_spellings(lexicon):
    hits = lexicon.places.find("Rockets fell on Ain al-Asad; Ayn al-Asad was hit again.")
    assert {h.value.location for h in hits} == {"Ain al-Asad Air Base"}
    [tanf] = lexicon.places.find("a drone struck the Tanf garrison")
    assert tanf.value.country == "Syria" and abs(tanf.value.latitude - 33.51) < 0.01
    # A base whose position is not published keeps its country and no invented point.
    [tower] = lexicon.places.find("the attack on Tower 22")
    assert tower.value.country == "Jordan" and tower.value.latitude is None


def test_governorates_by_their_common_names(lexicon):
    [hit] = lexicon.places.find("clashes in Anbar province")
    assert (hit.value.kind, hit.value.admin1) == ("governorate", "Al Anbar")
    [hit] = lexicon.places.find("a drone over Nineveh")
    assert hit.value.admin1 == "Nineveh" and hit.value.latitude is None


def test_a_shared_town_name_follows_the_country_named(lexicon):
    # Al-Qusayr is a Syrian town and an Egyptian port; alone, the larger (Syrian) one.
    assert _places(lexicon, "An explosion shook al-Qusayr.") == [("al-Qusayr", "Syria")]
    assert _places(lexicon, "An explosion shook al-Qusayr in Egypt.") == [
        ("al-Qusayr", "Egypt"),
        ("Egypt", "Egypt"),
    ]
    assert _places(lexicon, "An explosion shook al-Qusayr.", frozenset({"Egypt"})) == [
        ("al-Qusayr", "Egypt")
    ]


def test_a_town_is_its_own_name_before_anothers_variant(lexicon):
    # An Iranian village lists "Baghdad" among its variant names; Baghdad is Baghdad.
    assert _places(lexicon, "a strike in Baghdad", frozenset({"Iran"})) == [("Baghdad", "Iraq")]


@pytest.mark.parametrize(
    "sentence",
    [
        "Said the spokesman: the attack failed.",  # sentence-initial English word
        "Hassan Nasrallah gave a speech.",  # a person, though a village is called Hassan
        "Members of the Quds Force were there.",  # an actor's word
        "The agency SANA reported the strike.",  # an acronym
        "SANA's correspondent saw it.",
        "Kataib Sayyid al Shuhada claimed it.",  # a word inside a longer name
        "Center officials declined to comment.",
    ],
)
def test_common_words_and_names_are_not_towns(lexicon, sentence):
    assert lexicon.places.find(sentence) == []


def test_stop_list_is_data(lexicon, tmp_path):
    target = tmp_path / "lexicon"
    shutil.copytree(DEFAULT_DIRECTORY, target)
    assert _places(lexicon, "A drone fell on Kirkuk.") == [("Kirkuk", "Iraq")]
    with open(target / "place_stopwords.csv", "a", encoding="utf-8") as handle:
        handle.write("Kirkuk,test entry\n")
    assert _places(load_lexicon(target), "A drone fell on Kirkuk.") == []


def test_a_clock_is_not_a_place(lexicon):
    text = "At 9:40 a.m. (Sanaa time) a missile was fired at a tanker in the Red Sea."
    assert [h.text for h in sentence_hits(text, lexicon).places] == ["Red Sea"]
    text = "The base near Kirkuk was hit at 6 p.m. local time in Baghdad."
    assert [h.text for h in sentence_hits(text, lexicon).places] == ["Kirkuk"]


def test_town_names_before_place_nouns_and_after_directions(lexicon):
    assert _places(lexicon, "a depot at Karbala International Airport") == [("Karbala", "Iraq")]
    assert _places(lexicon, "Northern Hasakah was quiet.") == [("Hasakah", "Syria")]


def test_a_town_the_vocabularies_lack_takes_the_articles_country(lexicon):
    text = (
        "Israeli jets struck Tyre and Nabatieh on Monday. On Tuesday an Israeli drone "
        "strike killed two people in the town of Zawtar al-Gharbiyya."
    )
    article = own_article(text, dt.date(2024, 3, 6))
    mentions = extract_article(article, lexicon).mentions
    zawtar = [m for m in mentions if m.location == "Zawtar al-Gharbiyya"]
    assert zawtar and all(m.country == "Lebanon" for m in zawtar)


def test_places_file_needs_a_source_and_a_known_unit(tmp_path):
    target = tmp_path / "lexicon"
    shutil.copytree(DEFAULT_DIRECTORY, target)
    with open(target / "places.csv", "a", encoding="utf-8") as handle:
        handle.write("Camp Nowhere,site,Atlantis,Iraq,,,a note,Camp Nowhere\n")
    lines = (target / "places.csv").read_text(encoding="utf-8").count("\n")
    with pytest.raises(UsageError, match=rf"places.csv:{lines}: admin1 'Atlantis'"):
        load_lexicon(target)
    shutil.copy(DEFAULT_DIRECTORY / "places.csv", target / "places.csv")
    with open(target / "places.csv", "a", encoding="utf-8") as handle:
        handle.write("Camp Nowhere,site,Al Anbar,Iraq,33.1,42.1,,Camp Nowhere\n")
    with pytest.raises(UsageError, match=rf"places.csv:{lines}: source is empty"):
        load_lexicon(target)


def test_gazetteer_alias_must_name_a_gazetteer_town(tmp_path):
    target = tmp_path / "lexicon"
    shutil.copytree(DEFAULT_DIRECTORY, target)
    with open(target / "gazetteer_aliases.csv", "a", encoding="utf-8") as handle:
        handle.write("Iraq,Atlantis,Atlantis City\n")
    with pytest.raises(UsageError, match="gazetteer_aliases.csv:.*no town 'Atlantis' in Iraq"):
        load_lexicon(target)


def test_at_sea_the_land_beside_it_gives_no_country(lexicon):
    text = (
        "On Tuesday the Houthis fired an anti-ship missile from Yemen at a tanker in the "
        "Gulf of Aden."
    )
    article = own_article(text, dt.date(2024, 3, 7))
    [m] = extract_article(article, lexicon).mentions
    assert (m.location, m.country) == ("Gulf of Aden", "")
    # Without the sea, the country named is where it happened.
    article = Article(
        "t",
        "t.txt",
        "Test",
        "",
        "",
        dt.date(2024, 3, 7),
        "",
        text.replace(" in the Gulf of Aden", ""),
    )
    [m] = extract_article(article, lexicon).mentions
    assert (m.location, m.country) == ("", "Yemen")


def test_a_shared_town_name_follows_the_articles_country(lexicon):
    # The article names Egypt in another sentence: al-Qusayr is the Egyptian port.
    text = (
        "Egypt said its navy was on alert on Monday. On Tuesday a drone struck a warehouse "
        "in al-Qusayr, killing two guards."
    )
    article = own_article(text, dt.date(2024, 3, 7))
    qusayr = [m for m in extract_article(article, lexicon).mentions if m.location]
    assert qusayr and all(m.country == "Egypt" for m in qusayr)
