"""The models of the zoo benchmark (benchmarks/zoo.py), built with coremltools' builders, small enough to build in
seconds but with the layer mix and the shapes of the architectures they mimic. Weights are random: the checker
reads structure, shapes, types and value ranges, not accuracy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.check import pattern_models as pm
from tests.check.models import ct, mb, nn_builder, np, save_nn

RNG = np.random.default_rng(0)


def _w(*shape: int, scale: float = 0.05) -> Any:
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def _convert(prog: Any, path: Path, target: Any = None) -> Any:
    target = target or ct.target.iOS16
    model = ct.convert(prog, convert_to="mlprogram", minimum_deployment_target=target)
    model.save(str(path))
    return model


def _conv_bn(x: Any, cin: int, cout: int, k: int, stride: int = 1, groups: int = 1, act: str = "relu") -> Any:
    x = mb.conv(x=x, weight=_w(cout, cin // groups, k, k), strides=[stride, stride], pad_type="same", groups=groups)
    x = mb.batch_norm(x=x, mean=np.zeros(cout, np.float32), variance=np.ones(cout, np.float32),
                      gamma=np.ones(cout, np.float32), beta=np.zeros(cout, np.float32))
    if act == "relu":
        return mb.relu(x=x)
    if act == "relu6":
        return mb.clip(x=x, alpha=0.0, beta=6.0)
    return x


def resnet_program() -> Any:
    @mb.program(input_specs=[mb.TensorSpec(shape=(1, 3, 224, 224))], opset_version=ct.target.iOS16)
    def prog(image: Any) -> Any:
        x = _conv_bn(image, 3, 32, 7, stride=2)
        x = mb.max_pool(x=x, kernel_sizes=[3, 3], strides=[2, 2], pad_type="same")
        channels = 32
        for stage, width in enumerate((32, 64, 128, 256)):
            for block in range(2):
                stride = 2 if stage and not block else 1
                shortcut = x
                y = _conv_bn(x, channels, width, 3, stride)
                y = _conv_bn(y, width, width, 3, act="none")
                if stride != 1 or channels != width:
                    shortcut = _conv_bn(x, channels, width, 1, stride, act="none")
                x = mb.relu(x=mb.add(x=y, y=shortcut))
                channels = width
        x = mb.reduce_mean(x=x, axes=[2, 3], keep_dims=False)
        return mb.linear(x=x, weight=_w(1000, channels), bias=np.zeros(1000, np.float32), name="classifier")

    return prog


def resnet(path: Path) -> Path:
    _convert(resnet_program(), path)
    return path


def mobilenet(path: Path) -> Path:
    @mb.program(input_specs=[mb.TensorSpec(shape=(1, 3, 224, 224))], opset_version=ct.target.iOS16)
    def prog(image: Any) -> Any:
        x = _conv_bn(image, 3, 32, 3, stride=2, act="relu6")
        channels = 32
        for width, stride in ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)):
            x = _conv_bn(x, channels, channels, 3, stride, groups=channels, act="relu6")  # depthwise
            x = _conv_bn(x, channels, width, 1, act="relu6")                              # pointwise
            channels = width
        x = mb.reduce_mean(x=x, axes=[2, 3], keep_dims=False)
        return mb.linear(x=x, weight=_w(1000, channels), name="classifier")

    _convert(prog, path)
    return path


def transformer_bc1s(path: Path, dim: int = 256, heads: int = 4, seq: int = 128) -> Path:
    """A block in the layout of Apple's ml-ane-transformers: (B, C, 1, S), 1x1 convolutions for the projections,
    layer norm over the channel axis, attention per head on (1, heads, head_dim, S) tensors."""
    head = dim // heads

    def proj(x: Any, cout: int, cin: int) -> Any:
        return mb.conv(x=x, weight=_w(cout, cin, 1, 1), bias=np.zeros(cout, np.float32))

    @mb.program(input_specs=[mb.TensorSpec(shape=(1, dim, 1, seq))], opset_version=ct.target.iOS16)
    def prog(x: Any) -> Any:
        h = mb.layer_norm(x=x, axes=[1], gamma=np.ones(dim, np.float32), beta=np.zeros(dim, np.float32))
        q, k, v = (mb.reshape(x=proj(h, dim, dim), shape=[1, heads, head, seq]) for _ in range(3))
        scores = mb.matmul(x=q, y=k, transpose_x=True)                                # (1, heads, seq, seq)
        weights = mb.softmax(x=mb.mul(x=scores, y=np.float32(head ** -0.5)), axis=-1)
        attended = mb.matmul(x=v, y=weights, transpose_y=True)                        # (1, heads, head, seq)
        attended = mb.reshape(x=attended, shape=[1, dim, 1, seq])
        x = mb.add(x=x, y=proj(attended, dim, dim))
        h = mb.layer_norm(x=x, axes=[1], gamma=np.ones(dim, np.float32), beta=np.zeros(dim, np.float32))
        h = proj(mb.gelu(x=proj(h, 4 * dim, dim)), dim, 4 * dim)
        return mb.add(x=x, y=h, name="out")

    _convert(prog, path)
    return path


def transformer_bsc(path: Path, dim: int = 256, heads: int = 4, seq: int = 128) -> Path:
    """The same block in the usual layout: (B, S, C), linear projections, heads split with reshape and transpose."""
    head = dim // heads

    def linear(x: Any, cout: int, cin: int) -> Any:
        return mb.linear(x=x, weight=_w(cout, cin), bias=np.zeros(cout, np.float32))

    def split(x: Any) -> Any:
        return mb.transpose(x=mb.reshape(x=x, shape=[1, seq, heads, head]), perm=[0, 2, 1, 3])

    @mb.program(input_specs=[mb.TensorSpec(shape=(1, seq, dim))], opset_version=ct.target.iOS16)
    def prog(x: Any) -> Any:
        h = mb.layer_norm(x=x, axes=[-1], gamma=np.ones(dim, np.float32), beta=np.zeros(dim, np.float32))
        q, k, v = (split(linear(h, dim, dim)) for _ in range(3))
        scores = mb.matmul(x=q, y=k, transpose_y=True)                                 # (1, heads, seq, seq)
        weights = mb.softmax(x=mb.mul(x=scores, y=np.float32(head ** -0.5)), axis=-1)
        attended = mb.transpose(x=mb.matmul(x=weights, y=v), perm=[0, 2, 1, 3])
        x = mb.add(x=x, y=linear(mb.reshape(x=attended, shape=[1, seq, dim]), dim, dim))
        h = mb.layer_norm(x=x, axes=[-1], gamma=np.ones(dim, np.float32), beta=np.zeros(dim, np.float32))
        return mb.add(x=x, y=linear(mb.gelu(x=linear(h, 4 * dim, dim)), dim, 4 * dim), name="out")

    _convert(prog, path)
    return path


def lstm_audio(path: Path, frames: int = 100, mels: int = 64, hidden: int = 128) -> Path:
    """A keyword-spotting style model: a convolution front end on a log-mel spectrogram, an LSTM, a classifier."""
    @mb.program(input_specs=[mb.TensorSpec(shape=(1, 1, frames, mels))], opset_version=ct.target.iOS16)
    def prog(mel: Any) -> Any:
        x = mb.relu(x=mb.conv(x=mel, weight=_w(16, 1, 3, 3), pad_type="same"))           # (1, 16, frames, mels)
        x = mb.transpose(x=x, perm=[2, 0, 1, 3])                                          # (frames, 1, 16, mels)
        x = mb.reshape(x=x, shape=[frames, 1, 16 * mels])
        seq, _, _ = mb.lstm(x=x, initial_h=np.zeros((1, hidden), np.float32),
                            initial_c=np.zeros((1, hidden), np.float32),
                            weight_ih=_w(4 * hidden, 16 * mels), weight_hh=_w(4 * hidden, hidden),
                            bias=np.zeros(4 * hidden, np.float32), output_sequence=False, name="lstm")
        return mb.softmax(x=mb.linear(x=mb.reshape(x=seq, shape=[1, hidden]), weight=_w(12, hidden)), axis=-1,
                          name="scores")

    _convert(prog, path)
    return path


def detector_head(path: Path) -> Path:
    """A YOLO-style detector: a strided backbone, three heads at strides 8, 16 and 32 of a 640x640 image, each
    (1, 84, H, W) flattened and concatenated into (1, 84, 8400) candidate boxes."""
    @mb.program(input_specs=[mb.TensorSpec(shape=(1, 3, 640, 640))], opset_version=ct.target.iOS16)
    def prog(image: Any) -> Any:
        x = _conv_bn(image, 3, 16, 3, stride=2)
        x = _conv_bn(x, 16, 32, 3, stride=2)
        heads = []
        channels = 32
        for width in (64, 128, 256):
            x = _conv_bn(x, channels, width, 3, stride=2)
            channels = width
            y = mb.conv(x=x, weight=_w(84, width, 1, 1))
            side = y.shape[-1]
            heads.append(mb.reshape(x=y, shape=[1, 84, side * side]))
        boxes = mb.concat(values=heads, axis=-1)                                          # (1, 84, 8400)
        scores = mb.sigmoid(x=mb.slice_by_index(x=boxes, begin=[0, 4, 0], end=[1, 84, 8400]), name="scores")
        return mb.slice_by_index(x=boxes, begin=[0, 0, 0], end=[1, 4, 8400], name="box"), scores

    _convert(prog, path)
    return path


def compressed_resnet(path: Path, mode: str) -> Path:
    """The ResNet with its weights palettized to 4 bits (per-tensor look-up tables) or linearly quantized to int4
    in blocks of 32 input channels, as coremltools.optimize writes them."""
    import coremltools.optimize.coreml as cto

    model = ct.convert(resnet_program(), convert_to="mlprogram", minimum_deployment_target=ct.target.iOS18)
    if mode == "palettized":
        config = cto.OpPalettizerConfig(nbits=4, mode="uniform", weight_threshold=512)
        model = cto.palettize_weights(model, cto.OptimizationConfig(global_config=config))
    else:
        config = cto.OpLinearQuantizerConfig(mode="linear_symmetric", dtype="int4", granularity="per_block",
                                             block_size=32, weight_threshold=512)
        model = cto.linear_quantize_weights(model, cto.OptimizationConfig(global_config=config))
    model.save(str(path))
    return path


def nn_cnn(path: Path) -> Path:
    """A NeuralNetwork-format VGG-style CNN, as older converters wrote them: the shapes are the checker's to follow."""
    b = nn_builder((3, 224, 224))
    previous, channels = "x", 3
    for i, width in enumerate((32, 64, 128, 256)):
        b.add_convolution(f"conv{i}", kernel_channels=channels, output_channels=width, height=3, width=3,
                          stride_height=1, stride_width=1, border_mode="same", groups=1,
                          W=_w(3, 3, channels, width), b=None, has_bias=False, input_name=previous,
                          output_name=f"c{i}")
        b.add_activation(f"relu{i}", "RELU", input_name=f"c{i}", output_name=f"r{i}")
        b.add_pooling(f"pool{i}", height=2, width=2, stride_height=2, stride_width=2, layer_type="MAX",
                      padding_type="VALID", input_name=f"r{i}", output_name=f"p{i}")
        previous, channels = f"p{i}", width
    b.add_pooling("gap", height=1, width=1, stride_height=1, stride_width=1, layer_type="AVERAGE",
                  padding_type="VALID", input_name=previous, output_name="g", is_global=True)
    b.add_flatten("flat", 0, "g", "f")
    b.add_inner_product("fc", W=_w(1000, channels), b=None, input_channels=channels, output_channels=1000,
                        has_bias=False, input_name="f", output_name="logits")
    b.add_softmax("softmax", "logits", "y")
    return save_nn(b, path)


def build_all(folder: Path) -> dict[str, Path]:
    builders = {
        "resnet": lambda: resnet(folder / "resnet.mlpackage"),
        "mobilenet": lambda: mobilenet(folder / "mobilenet.mlpackage"),
        "transformer_bc1s": lambda: transformer_bc1s(folder / "transformer_bc1s.mlpackage"),
        "transformer_bsc": lambda: transformer_bsc(folder / "transformer_bsc.mlpackage"),
        "lstm_audio": lambda: lstm_audio(folder / "lstm_audio.mlpackage"),
        "detector_head": lambda: detector_head(folder / "detector_head.mlpackage"),
        "palettized_cnn": lambda: compressed_resnet(folder / "palettized_cnn.mlpackage", "palettized"),
        "block_int4_cnn": lambda: compressed_resnet(folder / "block_int4_cnn.mlpackage", "per_block"),
        "nn_cnn": lambda: nn_cnn(folder / "nn_cnn.mlmodel"),
        "create_ml": lambda: pm.create_ml_image_classifier(folder / "create_ml.mlmodel"),
    }
    return {name: build() for name, build in builders.items()}

