"""The example model of the "Check your model" page (also used by the tests): a 15×15 pooling layer and
an LSTM, built with coremltools' NeuralNetworkBuilder (torch is never imported)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path


def build_lstm_pool(path: Path, pool: int = 15) -> Path:
    logging.getLogger("coremltools").setLevel(logging.ERROR)
    sys.modules.setdefault("torch", None)  # type: ignore[arg-type]
    import coremltools as ct
    import numpy as np
    from coremltools.models import datatypes
    from coremltools.models.neural_network import NeuralNetworkBuilder

    builder = NeuralNetworkBuilder([("x", datatypes.Array(3, 32, 32))], [("y", None)])
    builder.add_pooling("pool", height=pool, width=pool, stride_height=1, stride_width=1, layer_type="AVERAGE",
                        padding_type="SAME", input_name="x", output_name="p")
    builder.add_flatten("flat", mode=0, input_name="p", output_name="f")
    hidden, features = 4, 3 * 32 * 32
    weights = [np.full((hidden, features), 0.01, np.float32)] * 4
    recurrent = [np.full((hidden, hidden), 0.01, np.float32)] * 4
    builder.add_unilstm("lstm", W_h=recurrent, W_x=weights, b=None, hidden_size=hidden, input_size=features,
                        input_names=["f", "h_in", "c_in"], output_names=["y", "h_out", "c_out"])
    builder.add_optionals([("h_in", hidden), ("c_in", hidden)], [("h_out", hidden), ("c_out", hidden)])
    for out in builder.spec.description.output:
        out.type.multiArrayType.dataType = 65568  # FLOAT32
    ct.utils.save_spec(builder.spec, str(path))
    return path
