"""The number of people a user gives: read as written, and as the sessions take it."""

import pytest

from captioner.speaker_count import ANY_COUNT, SpeakerCount, count_of


def test_a_number_of_speakers_is_read_as_a_user_writes_it():
    assert SpeakerCount.parse("") == SpeakerCount.parse("any") == SpeakerCount()
    assert SpeakerCount.parse("2") == SpeakerCount(2, 2) == SpeakerCount.exactly(2)
    assert SpeakerCount.parse(" 2 - 4 ") == SpeakerCount.parse("2–4") == SpeakerCount(2, 4)
    for count in (SpeakerCount(), SpeakerCount(3, 3), SpeakerCount(2, 5)):
        assert SpeakerCount.parse(str(count)) == count
    for bad in ("0", "4-2", "two", "2-", "-3", "21", "1.5"):
        with pytest.raises(ValueError, match="not a number of speakers"):
            SpeakerCount.parse(bad)



def test_a_session_told_only_to_tell_speakers_apart_takes_any_number():
    assert count_of(True) == count_of(False) == ANY_COUNT
    assert count_of(SpeakerCount(2, 3)) == SpeakerCount(2, 3)
    assert SpeakerCount().room(100) and SpeakerCount(1, 2).room(1) and not SpeakerCount(1, 2).room(2)
