"""Saving and loading parameters as .npz: all or nothing, and a clear line for every bad file."""

from __future__ import annotations

import os
import re
from types import SimpleNamespace

import numpy as np
import pytest

from rindoku.persistence import load_params, save_params
from rindoku_backprop.models import TwoLayerNet


def net(output_size: int = 3, seed: int = 0) -> TwoLayerNet:
    return TwoLayerNet(2, 10, output_size, rng=np.random.default_rng(seed))


def snapshot(model) -> list[bytes]:
    """Each parameter's dtype, shape and bytes, to compare bit for bit."""
    return [f"{p.dtype}{p.shape}".encode() + p.tobytes() for p in model.params]


def test_model_parameters_round_trip_through_npz(tmp_path):
    model = net(seed=1)
    path = save_params(model, tmp_path / "net.npz")
    other = net(seed=2)
    load_params(other, path)
    assert snapshot(other) == snapshot(model)
    assert [p.name for p in tmp_path.iterdir()] == ["net.npz"]  # no temporary file left


def test_loading_writes_into_the_model_s_own_arrays(tmp_path):
    """The values are copied into the arrays the layers hold; no array is replaced."""
    model, other = net(seed=1), net(seed=2)
    arrays = list(other.params)
    load_params(other, save_params(model, tmp_path / "net"))
    assert all(a is b for a, b in zip(arrays, other.params, strict=True))
    assert other.layers[0].params[0] is other.params[0]


def test_float64_parameters_load_into_a_float32_model(tmp_path):
    """same_kind casting: a float64 file loads into float32 params, rounded to float32."""
    model = net(seed=1)
    path = save_params(model, tmp_path / "net.npz")
    float32_model = SimpleNamespace(params=[np.zeros(p.shape, np.float32) for p in model.params])
    load_params(float32_model, path)
    for loaded, saved in zip(float32_model.params, model.params, strict=True):
        assert loaded.dtype == np.float32
        np.testing.assert_array_equal(loaded, saved.astype(np.float32))


def _truncated(path, model):
    save_params(model, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _npy_renamed(path, model):
    np.save(path.with_suffix(".npy"), model.params[0])
    os.replace(path.with_suffix(".npy"), path)


def _other_names(path, model):
    np.savez(path, W1=model.params[0], b1=model.params[1])


def _a_gap_in_the_names(path, model):
    np.savez(path, param_0=model.params[0], param_2=model.params[2])


def _empty(path, model):
    path.write_bytes(b"")


def _text(path, model):
    path.write_text("W1 = [[0.1, 0.2]]\n")


def _pickled_objects(path, model):
    np.savez(path, param_0=np.array([{"a": 1}], dtype=object))


def _another_models_last_layer(path, model):
    """W1 and b1 fit; W2 (10, 4) does not: a loader that copies as it goes would
    have changed W1 and b1 before finding out."""
    save_params(net(output_size=4, seed=5), path)


def _fewer_parameters(path, model):
    save_params(SimpleNamespace(params=model.params[:2]), path)


def _complex_values(path, model):
    save_params(SimpleNamespace(params=[p + 1j for p in model.params]), path)


BAD_FILES = {
    "truncated": (_truncated, r" is damaged or was cut short \(BadZipFile"),
    "npy renamed npz": (_npy_renamed, r" is a single \.npy array .*not the \.npz file"),
    "other names": (_other_names, r" holds arrays named W1, b1, where save_params writes "
                                  r"param_0, param_1 … in order"),
    "a gap in the names": (_a_gap_in_the_names, r" holds arrays named param_2, where"),
    "empty": (_empty, r" is empty: save parameters with save_params"),
    "text": (_text, r" is not an \.npz file"),
    "pickled objects": (_pickled_objects, r" holds Python objects, which only pickle can read"),
    "another model": (_another_models_last_layer, r": parameter 2 has shape \(10, 4\) in the "
                                                  r"file but \(10, 3\) in the model"),
    "fewer parameters": (_fewer_parameters, r" holds 2 parameters but the model has 4"),
    "complex values": (_complex_values, r": parameter 0 is complex128 in the file but float64 "
                                        r"in the model, and casting would lose part"),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_bad_file_changes_nothing_and_says_what_is_wrong(tmp_path, kind):
    """The model's parameters are bit for bit what they were; one line names the file."""
    write, message = BAD_FILES[kind]
    model = net(seed=1)
    path = tmp_path / "net.npz"
    write(path, model)
    target = net(seed=2)
    before = snapshot(target)
    with pytest.raises(ValueError, match=re.escape(str(path)) + message) as info:
        load_params(target, path)
    assert "\n" not in str(info.value)
    assert snapshot(target) == before


def test_a_missing_file_is_named_with_what_to_do(tmp_path):
    path = tmp_path / "nowhere.npz"
    target = net()
    before = snapshot(target)
    with pytest.raises(FileNotFoundError, match=re.escape(str(path)) + r": no such file; "
                                                "check the path, or save the parameters first"):
        load_params(target, path)
    assert snapshot(target) == before


def test_a_folder_is_not_a_file(tmp_path):
    with pytest.raises(ValueError, match=re.escape(str(tmp_path)) + " cannot be read"):
        load_params(net(), tmp_path)


def test_a_saved_file_gets_ordinary_permissions(tmp_path):
    """The temporary file is private; the saved one is readable like any new file."""
    umask = os.umask(0o022)
    try:
        path = save_params(SimpleNamespace(params=[np.ones(2)]), tmp_path / "p.npz")
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644
