"""nnanim render --events inside a scene with several runs: GradientDescent1D's η = 0.75
run explodes at step 20 and overflows at 22, while its panel is being drawn."""
import json

from scene_utils import render

from nnanim.engine.inspection.events import find_events


def test_events_of_a_side_run_are_marked_when_its_steps_pass(tmp_path):
    sections = tmp_path / "sections.jsonl"
    _, scene = render("GradientDescent1D", tmp_path,
                      events=True, sections=sections)
    expected = find_events(scene.trace("large"))
    assert [e.kind for e in expected] == ["exploding", "non-finite", "non-finite"]
    assert [(r, s) for r, s, _ in scene.event_marks] == [("large", e.step) for e in expected]
    assert scene.events["main"] == [] and scene.events["small"] == []
    # both marks fall in the learning-rates section, in step order, before the end card
    spans = {e["section"]: (e["start"], e["end"]) for e in
             map(json.loads, sections.read_text().splitlines())}
    lo, hi = spans["learning-rates"]
    times = [t for _, _, t in scene.event_marks]
    assert all(lo < t < hi for t in times) and times == sorted(times)
    assert times[0] < times[-1]  # step 20 and step 22 are announced apart
    assert spans["events"][0] >= hi
