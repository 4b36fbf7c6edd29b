"""Bad configs give one error that names the field."""
import pytest
from conftest import CONFIGS

from nnanim.engine import config
from nnanim.engine.errors import ConfigError
from nnanim.engine.run import run

BASE = (CONFIGS / "xor_mlp.toml").read_text()


@pytest.mark.parametrize("name", sorted(p.stem for p in CONFIGS.glob("*.toml")))
def test_bundled_configs_validate(name):
    cfg = config.load(CONFIGS / f"{name}.toml")
    assert cfg["run"]["kind"] in ("network", "objective", "layer", "curves")


def _err(text, tmp_path):
    cfg = config.loads(text)
    with pytest.raises(ConfigError) as e:
        run(cfg, tmp_path / "t")
    assert not (tmp_path / "t").exists() and not (tmp_path / "t.partial").exists()
    return str(e.value)


@pytest.mark.parametrize("edit, message", [
    (("[loss]", "[losses]"), "unknown section [losses]"),
    (("lr = 2.0", "lr = 2.0\nlearning_rate = 1"), None),  # optimizer-specific: checked at build
    (("epochs = 1500", "epochs = 'many'"), "training.epochs must be an integer"),
    (("epochs = 1500", "epochs = 0"), "training.epochs must be >= 1"),
    (("batch_size = 4", "batch_size = 4\nbatchsize = 3"), "unknown field training.batchsize"),
    (("seed = 0", "seed = 0\ndtype = 'float16'"), "run.dtype"),
    (("\nevery = 10", "\nevery = 0"), "record.every must be an integer >= 1"),
    (("\nevery = 10", "\nevery = -3"), "record.every must be an integer >= 1"),
    (("batch_size = 4", "batch_size = 0"), "training.batch_size must be >= 1"),
    (("batch_size = 4", "batch_size = -2"), "training.batch_size must be >= 1"),
    (("epochs = 1500", "epochs = -1"), "training.epochs must be >= 1"),
    (("lr = 2.0", "lr = 0.0"), "optimizer.lr must be a finite number > 0, got 0.0"),
    (("lr = 2.0", "lr = -1.0"), "optimizer.lr must be a finite number > 0"),
    (("lr = 2.0", "lr = nan"), "optimizer.lr must be a finite number > 0, got nan"),
    (("lr = 2.0", "lr = inf"), "optimizer.lr must be a finite number > 0, got inf"),
    (("lr = 2.0", "lr = 'fast'"), "optimizer.lr must be a finite number > 0"),
    (("\nevery = 10", "\nevery = 10\nquantities = ['weights']"), "record.quantities"),
])
def test_structural_errors_name_the_field(edit, message, tmp_path):
    text = BASE.replace(*edit)
    if message is None:
        assert "learning_rate" in _err(text, tmp_path)
        return
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")) as e:
        config.loads(text)
    assert "\n" not in str(e.value)


@pytest.mark.parametrize("edit, message", [
    (('type = "Sigmoid" }', 'type = "Sigmoidal" }'),
     "model.layers[1].type: unknown layer type 'Sigmoidal' (valid: ArcTan, AvgPool2D,"),
    (("in_features = 2,", "in_feat = 2,"), "model.layers[0] (Dense): unknown field 'in_feat'"),
    (('name = "xor"', 'name = "xox"'), "data.name: unknown data set 'xox'"),
    (('name = "sgd"', 'name = "sgdd"'), "optimizer.name: unknown optimizer 'sgdd' (valid: adam,"),
    (('name = "mse"', 'name = "mean_squares"'), "loss.name: unknown loss 'mean_squares' (valid:"),
    (("lr = 2.0", "lr = 2.0\nbetas = [0.9, 0.99]"),
     "optimizer (SGD): unknown field 'betas'"),
    (("in_features = 2,", "in_features = 5,"), "model does not fit the data"),
])
def test_build_errors_name_the_field(edit, message, tmp_path):
    assert message in _err(BASE.replace(*edit), tmp_path)


def test_missing_sections_and_kind_mixups():
    with pytest.raises(ConfigError, match=r"missing section \[optimizer\]"):
        config.loads('[objective]\nname = "exp_quadratic"')
    with pytest.raises(ConfigError, match=r"missing section \[model\]"):
        config.loads('[data]\nname = "xor"\n[loss]\nname="mse"\n[optimizer]\nname="sgd"\nlr=1')
    with pytest.raises(ConfigError, match="training.epochs is for network runs"):
        config.loads('[objective]\nname = "exp_quadratic"\n[optimizer]\nname="sgd"\nlr=0.1\n'
                     '[training]\nepochs = 3')


def test_toml_syntax_error_and_missing_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[run\nname = 1")
    with pytest.raises(ConfigError, match="bad.toml: invalid TOML"):
        config.load(bad)
    with pytest.raises(ConfigError, match="no config file"):
        config.load(tmp_path / "nope.toml")


def test_objective_start_length(tmp_path):
    text = (CONFIGS / "descent_1d.toml").read_text().replace("start = [-0.5]", "start = [1, 2]")
    assert "objective.start must have 1 value" in _err(text, tmp_path)


def test_steps_must_be_positive():
    text = (CONFIGS / "descent_1d.toml").read_text()
    assert "steps = " in text
    bad = "\n".join("steps = 0" if line.startswith("steps = ") else line
                    for line in text.splitlines())
    with pytest.raises(ConfigError, match="training.steps must be >= 1, got 0"):
        config.loads(bad)


@pytest.mark.parametrize("loss, labels", [("categorical_crossentropy", "onehot"),
                                          ("Mean_Squared_Error", "column"),
                                          ("binary-crossentropy", "column"),
                                          ("kullback leibler divergence", "onehot")])
def test_keras_loss_names_train(loss, labels, tmp_path):
    """Keras' loss names build the same loss, with targets in the form it takes."""
    text = BASE.replace('name = "mse"', f'name = "{loss}"').replace("epochs = 1500", "epochs = 2")
    if labels == "onehot":  # two outputs: one per class
        text = text.replace("out_features = 1", "out_features = 2")
    summary = run(config.loads(text), tmp_path / "t")
    assert summary.status == "complete" and summary.epochs == 2
