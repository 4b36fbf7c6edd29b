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
    assert cfg["run"]["kind"] in ("network", "objective", "layer")


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
    (("\nevery = 10", "\nevery = 0"), "record.every"),
    (("\nevery = 10", "\nevery = 10\nquantities = ['weights']"), "record.quantities"),
])
def test_structural_errors_name_the_field(edit, message, tmp_path):
    text = BASE.replace(*edit)
    if message is None:
        assert "learning_rate" in _err(text, tmp_path)
        return
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        config.loads(text)


@pytest.mark.parametrize("edit, message", [
    (('type = "Sigmoid" }', 'type = "Sigmoidal" }'), "model.layers[1]: unknown layer type 'Sigmoidal'"),
    (("in_features = 2,", "in_feat = 2,"), "model.layers[0] (Dense): unknown field 'in_feat'"),
    (('name = "xor"', 'name = "xox"'), "data.name: unknown data set 'xox'"),
    (('name = "sgd"', 'name = "sgdd"'), "sgdd"),
    (('name = "mse"', 'name = "mean_squares"'), "mean_squares"),
    (("lr = 2.0", "lr = -1.0"), "lr"),
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
