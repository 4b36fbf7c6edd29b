"""Training progress: a live bar on a terminal, a few plain lines elsewhere."""
import io

from nnanim.engine.progress import Progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def feed(progress, epochs, steps_per_epoch):
    progress.start(epochs * steps_per_epoch)
    step = 0
    for e in range(epochs):
        for _ in range(steps_per_epoch):
            progress.step(step, 1.0 / (step + 1))
            step += 1
        progress.epoch({"epoch": e, "loss": 0.5, "accuracy": 0.75})
    progress.close()


def test_plain_lines_per_epoch_at_most_one_per_tenth():
    out = io.StringIO()
    feed(Progress(out, "xor"), epochs=1500, steps_per_epoch=1)
    lines = out.getvalue().splitlines()
    assert len(lines) == 10
    assert lines[0] == "epoch 150: loss 0.5000  accuracy 0.7500  (150/1500 steps)"
    assert lines[-1].startswith("epoch 1500: ")


def test_plain_lines_every_epoch_when_epochs_are_long():
    out = io.StringIO()
    feed(Progress(out, "mnist"), epochs=3, steps_per_epoch=100)
    assert [line.split(":")[0] for line in out.getvalue().splitlines()] == [
        "epoch 1", "epoch 2", "epoch 3"]


def test_runs_without_epochs_report_every_tenth_of_steps():
    out = io.StringIO()
    p = Progress(out, "descent", epochs=False)
    p.start(200)
    for i in range(200):
        p.step(i, 0.25)
    lines = out.getvalue().splitlines()
    assert len(lines) == 10 and lines[0] == "step 20/200: loss 0.2500"
    assert lines[-1] == "step 200/200: loss 0.2500"


def test_live_bar_redraws_in_place_at_most_ten_times_a_second():
    out, now = Terminal(), [0.0]
    p = Progress(out, "xor", clock=lambda: now[0])
    p.start(1000)
    for i in range(1000):
        now[0] = i * 0.001  # 1 ms a step: one second in all
        p.step(i, 0.5)
    p.close()
    text = out.getvalue()
    assert text.count("\r") <= 12 and text.endswith("1000/1000  loss 0.5000\n")
    assert "\n" not in text[:-1]
    assert "[########################]" in text
