"""Vocabularies load, compile once, pickle, and reject malformed files with a clear message."""

import pickle
import shutil

import pytest

from analysis.errors import UsageError
from analysis.extract.lexicon import DEFAULT_DIRECTORY, load_lexicon


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


def test_aliases_map_to_actors_and_sides(lexicon):
    found = {
        h.text: (h.value.actor, h.value.side)
        for h in lexicon.actors.find(
            "Kata'ib Hizballah, KH, the Hashd al-Shaabi, U.S. warplanes, the IDF and Houthi rebels"
        )
    }
    assert found["Kata'ib Hizballah"] == ("Kataib Hezbollah", "IRAN_ALIGNED")
    assert found["KH"] == ("Kataib Hezbollah", "IRAN_ALIGNED")
    assert found["Hashd al-Shaabi"] == ("Popular Mobilization Forces", "IRAN_ALIGNED")
    assert found["U.S. warplanes"][1] == "US_COALITION"
    assert found["IDF"] == ("Israel", "ISRAEL")
    assert found["Houthi rebels"][1] == "HOUTHIS"


def test_short_capital_aliases_are_case_sensitive(lexicon):
    assert [h.text for h in lexicon.actors.find("Tell us about the US base")] == ["US base"]


def test_every_side_is_documented(lexicon):
    sides = {e.side for e in lexicon.actors.table.values()}
    assert sides <= set(lexicon.sides)
    assert {"IRAN_ALIGNED", "US_COALITION", "CIVILIANS"} <= set(lexicon.sides)


def test_places_have_real_coordinates(lexicon):
    [hit] = lexicon.places.find("a base in Irbil")
    assert hit.value.admin1 == "Arbil"  # GeoNames' name of Erbil governorate
    assert abs(hit.value.latitude - 36.19) < 0.1 and abs(hit.value.longitude - 44.01) < 0.1
    assert lexicon.places.find("Babylon province")[0].value.admin1 == "Babil"


def test_weapon_depends_on_the_initiator(lexicon):
    [hit] = lexicon.weapons.find("a drone strike")
    by_side = {e.sides: e.weapon for e in hit.value}
    assert by_side[()] == "armed drone"
    assert "one-way drone" in by_side.values()


def test_cameo_codes_keep_leading_digits_as_text(lexicon):
    codes = {e.cameo_code for e in lexicon.actions.table.values()}
    assert all(isinstance(c, str) for c in codes)
    assert "1831" in codes


def test_lexicon_pickles(lexicon):
    clone = pickle.loads(pickle.dumps(lexicon))
    assert [h.value for h in clone.actors.find("Kataeb Hezbollah")] == [
        h.value for h in lexicon.actors.find("Kataeb Hezbollah")
    ]


def test_bad_file_names_file_line_and_fix(tmp_path):
    target = tmp_path / "lexicon"
    shutil.copytree(DEFAULT_DIRECTORY, target)
    with open(target / "actors.csv", "a", encoding="utf-8") as handle:
        handle.write("Nobody,NOT_A_SIDE,any,yes,Nobody at all\n")
    lines = (target / "actors.csv").read_text(encoding="utf-8").count("\n")
    with pytest.raises(UsageError, match=rf"actors.csv:{lines}: side 'NOT_A_SIDE'"):
        load_lexicon(target)


def test_bad_cameo_and_missing_column(tmp_path):
    target = tmp_path / "lexicon"
    shutil.copytree(DEFAULT_DIRECTORY, target)
    text = (target / "places.csv").read_text(encoding="utf-8")
    (target / "places.csv").write_text(text.replace(",longitude,", ",lon,"), encoding="utf-8")
    with pytest.raises(UsageError, match="places.csv:.*header lacks column"):
        load_lexicon(target)


def test_attribution_wording_is_read_with_its_kind(lexicon):
    found = {
        h.text: h.value
        for h in lexicon.attribution.find(
            "Officials blamed the group; it denied it, though it later claimed responsibility "
            "for the attack, probably in retaliation."
        )
    }
    assert found == {
        "blamed": "blamed",
        "denied": "denied",
        "claimed responsibility for": "claimed",
        "probably": "suspected",
        "in retaliation": "response",
    }


def test_bad_attribution_kind_names_file_and_line(tmp_path):
    target = tmp_path / "lexicon"
    shutil.copytree(DEFAULT_DIRECTORY, target)
    with open(target / "attribution.csv", "a", encoding="utf-8") as handle:
        handle.write("rumoured,people say\n")
    lines = (target / "attribution.csv").read_text(encoding="utf-8").count("\n")
    with pytest.raises(UsageError, match=rf"attribution.csv:{lines}: kind 'rumoured'"):
        load_lexicon(target)


def test_lookup_tables_are_built_with_the_vocabularies(lexicon):
    assert lexicon.side_actors["US_COALITION"] == "United States"
    assert lexicon.place_ranks["Tower 22"] == 0  # a site: the most specific kind
    assert "Iran-aligned militias" in lexicon.generic_actors
    assert set(lexicon.boilerplate_scopes) == {"sentence", "paragraph", "rest"}
