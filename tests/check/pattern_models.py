"""Small models, built with coremltools' builders, that reproduce patterns found in models people ship: each one
once drew a finding that did not belong to it (or missed one that did)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.check.models import FLOAT32, conv_weights, ct, datatypes, mb, mil_save, nn_builder, np, save_nn

def mil_deep_matmul(path: Path, depth: int) -> Path:
    """x (1, depth, 8) transposed times y (depth, 8): a reduction over `depth`; reading the wrong axis gives 8."""
    weight = np.full((depth, 8), 0.01, np.float32)

    @mb.program(input_specs=[mb.TensorSpec(shape=(1, depth, 8))], opset_version=ct.target.iOS16)
    def prog(x: Any) -> Any:
        return mb.matmul(x=x, y=weight, transpose_x=True, name="deep")

    return mil_save(prog, path)


def mil_audio_conv(path: Path, samples: int = 44100, channels: int = 48) -> Path:
    """A 1-D convolution over a mono waveform, as in a source-separation model's encoder."""
    weight = np.random.default_rng(0).normal(size=(channels, 1, 8)).astype(np.float32) * 0.1

    @mb.program(input_specs=[mb.TensorSpec(shape=(1, 1, samples))], opset_version=ct.target.iOS16)
    def prog(wave: Any) -> Any:
        return mb.relu(x=mb.conv(x=wave, weight=weight, pad_type="same", name="encoder"), name="act")

    return mil_save(prog, path)


def mil_lm_head(path: Path, vocab: int = 32000, hidden: int = 64) -> Path:
    weight = np.random.default_rng(0).normal(size=(vocab, hidden)).astype(np.float32) * 0.01

    @mb.program(input_specs=[mb.TensorSpec(shape=(1, 1, hidden))], opset_version=ct.target.iOS16)
    def prog(x: Any) -> Any:
        return mb.linear(x=x, weight=weight, name="lm_head")

    return mil_save(prog, path)


def mil_waveform(path: Path, samples: int = 16000) -> Path:
    """A keyword-spotting style model whose input is one second of 16 kHz audio."""
    weight = np.random.default_rng(0).normal(size=(16, 1, 9)).astype(np.float32) * 0.1

    @mb.program(input_specs=[mb.TensorSpec(shape=(1, 1, samples))], opset_version=ct.target.iOS16)
    def prog(wave: Any) -> Any:
        return mb.reduce_mean(x=mb.conv(x=wave, weight=weight, strides=[8], pad_type="same"), axes=[-1], name="pool")

    return mil_save(prog, path)


def mil_detector_pipeline(path: Path, tmp: Path) -> Path:
    """A detector and its post-processing model: the second one takes the 8400 candidate boxes the first computes."""
    weight = np.random.default_rng(0).normal(size=(84, 3, 8, 8)).astype(np.float32) * 0.1

    @mb.program(input_specs=[mb.TensorSpec(shape=(1, 3, 640, 640))], opset_version=ct.target.iOS16)
    def detector(image: Any) -> Any:
        grid = mb.conv(x=image, weight=weight, strides=[8, 8], name="head")      # (1, 84, 80, 80)
        cells = mb.reshape(x=grid, shape=[1, 84, 6400], name="cells")
        pooled = mb.max_pool(x=grid, kernel_sizes=[2, 2], strides=[2, 2], pad_type="valid")
        coarse = mb.reshape(x=pooled, shape=[1, 84, 1600])
        return mb.concat(values=[cells, coarse], axis=2, name="candidates")        # (1, 84, 8400)

    @mb.program(input_specs=[mb.TensorSpec(shape=(1, 84, 8400))], opset_version=ct.target.iOS16)
    def post(candidates: Any) -> Any:
        return mb.reduce_max(x=mb.sigmoid(x=candidates), axes=[1], name="scores")

    first = ct.models.MLModel(str(mil_save(detector, tmp / "detector.mlpackage")), skip_model_load=True)
    second = ct.models.MLModel(str(mil_save(post, tmp / "post.mlpackage")), skip_model_load=True)
    ct.utils.make_pipeline(first, second).save(str(path))
    return path


def nn_image_model(path: Path, side: int) -> Path:
    """A convolution on an RGB image input of side × side pixels."""
    b = nn_builder((3, side, side))
    b.add_convolution("conv", kernel_channels=3, output_channels=4, height=3, width=3, stride_height=2,
                      stride_width=2, border_mode="same", groups=1, W=conv_weights(3, 4, 3, 3), b=None,
                      has_bias=False, input_name="x", output_name="y")
    b.set_pre_processing_parameters(image_input_names=["x"])
    return save_nn(b, path)


def nn_multiplies(path: Path) -> Path:
    """Three NeuralNetwork multiplies: by a scalar (alpha), by a constant C×1×1 vector, and squeeze-and-excitation
    (by a C×1×1 vector computed from the input)."""
    b = nn_builder((8, 16, 16))
    b.add_elementwise("by_scalar", ["x"], "s", mode="MULTIPLY", alpha=0.5)
    b.add_load_constant("vector", "v", np.full(8, 0.5, np.float32), [8, 1, 1])
    b.add_elementwise("by_constant", ["s", "v"], "c", mode="MULTIPLY")
    b.add_pooling("squeeze", height=1, width=1, stride_height=1, stride_width=1, layer_type="AVERAGE",
                  padding_type="VALID", input_name="c", output_name="g", is_global=True)
    b.add_activation("excite", "SIGMOID", input_name="g", output_name="e")
    b.add_elementwise("se_scale", ["c", "e"], "y", mode="MULTIPLY")
    return save_nn(b, path)


def mil_upsample_fp16(path: Path) -> Path:
    """An fp16 program whose bilinear upsampling takes its scale factors as fp32 scalars, as MIL defines them."""
    @mb.program(input_specs=[mb.TensorSpec(shape=(1, 8, 16, 16))], opset_version=ct.target.iOS16)
    def prog(x: Any) -> Any:
        return mb.upsample_bilinear(x=mb.relu(x=x), scale_factor_height=2.0, scale_factor_width=2.0, name="up")

    return mil_save(prog, path)


def mil_fp32_mask(path: Path) -> Path:
    """An fp32 attention-mask constant added in fp32 inside an otherwise fp16 program (the stray-constant pattern)."""
    mask = np.triu(np.full((16, 16), -1e4, np.float32), 1)

    @mb.program(input_specs=[mb.TensorSpec(shape=(1, 16, 16))], opset_version=ct.target.iOS16)
    def prog(x: Any) -> Any:
        scores = mb.cast(x=mb.relu(x=mb.cast(x=x, dtype="fp16")), dtype="fp32")
        return mb.softmax(x=mb.add(x=scores, y=mask, name="masked"), axis=-1)

    model = ct.convert(prog, convert_to="mlprogram", minimum_deployment_target=ct.target.iOS16,
                       compute_precision=ct.transform.FP16ComputePrecision(op_selector=lambda op: False))
    model.save(str(path))
    return path


def mil_batchnorm_big_variance(path: Path) -> Path:
    """A batch norm whose variance exceeds the fp16 range: coremltools keeps that op (and its constants) in fp32."""
    variance = np.ones(8, np.float32)
    variance[0] = 1e6

    @mb.program(input_specs=[mb.TensorSpec(shape=(1, 8, 16, 16))], opset_version=ct.target.iOS16)
    def prog(x: Any) -> Any:
        y = mb.batch_norm(x=mb.relu(x=x), mean=np.zeros(8, np.float32), variance=variance,
                          gamma=np.ones(8, np.float32), beta=np.zeros(8, np.float32), name="bn")
        return mb.relu(x=y, name="act")

    return mil_save(prog, path)


def nn_batchnorm_big_variance(path: Path) -> Path:
    """The same batch norm in a NeuralNetwork model, which has no types: the ANE stores the variance in fp16."""
    variance = np.ones(8, np.float32)
    variance[0] = 1e6
    b = nn_builder((8, 16, 16))
    b.add_batchnorm("bn", 8, gamma=np.ones(8), beta=np.zeros(8), mean=np.zeros(8), variance=variance,
                    input_name="x", output_name="y")
    return save_nn(b, path)


def nn_conv_overflow(path: Path) -> Path:
    weights = conv_weights(3, 4, 3, 3)
    weights[0, 0, 0, 0] = 1e6
    b = nn_builder((3, 16, 16))
    b.add_convolution("conv_overflow", kernel_channels=3, output_channels=4, height=3, width=3, stride_height=1,
                      stride_width=1, border_mode="same", groups=1, W=weights, b=None, has_bias=False,
                      input_name="x", output_name="y")
    return save_nn(b, path)


def mil_long_axis(path: Path) -> Path:
    """A reshape to an axis of 70000: beyond both long-axis limits (16384, disputed, and 65536)."""
    @mb.program(input_specs=[mb.TensorSpec(shape=(1, 140000))], opset_version=ct.target.iOS16)
    def prog(x: Any) -> Any:
        return mb.relu(x=mb.reshape(x=x, shape=[2, 70000], name="long"))

    return mil_save(prog, path)


def nn_small_cnn(path: Path, width: int = 64) -> Path:
    """A small image CNN with the usual layers: conv, batch norm, activation, pooling, concat, upsample, flatten,
    inner product, softmax."""
    b = nn_builder((3, 64, width))
    b.add_convolution("conv1", kernel_channels=3, output_channels=16, height=3, width=3, stride_height=2,
                      stride_width=2, border_mode="same", groups=1, W=conv_weights(3, 16, 3, 3), b=None,
                      has_bias=False, input_name="x", output_name="c1")
    b.add_batchnorm("bn1", 16, gamma=np.ones(16), beta=np.zeros(16), mean=np.zeros(16), variance=np.ones(16),
                    input_name="c1", output_name="b1")
    b.add_activation("relu1", "RELU", input_name="b1", output_name="r1")
    b.add_pooling("pool1", height=2, width=2, stride_height=2, stride_width=2, layer_type="MAX",
                  padding_type="VALID", input_name="r1", output_name="p1")
    b.add_convolution("conv2", kernel_channels=16, output_channels=16, height=3, width=3, stride_height=1,
                      stride_width=1, border_mode="same", groups=1, W=conv_weights(16, 16, 3, 3), b=None,
                      has_bias=False, input_name="p1", output_name="c2")
    b.add_elementwise("residual", ["c2", "p1"], "a2", mode="ADD")
    b.add_elementwise("concat", ["a2", "p1"], "cat", mode="CONCAT")
    b.add_upsample("up", 2, 2, "cat", "u")
    b.add_pooling("gap", height=1, width=1, stride_height=1, stride_width=1, layer_type="AVERAGE",
                  padding_type="VALID", input_name="u", output_name="g", is_global=True)
    b.add_flatten("flat", 0, "g", "f")
    b.add_inner_product("fc", W=np.ones((10, 32), np.float32), b=None, input_channels=32, output_channels=10,
                        has_bias=False, input_name="f", output_name="logits")
    b.add_softmax("softmax", "logits", "y")
    return save_nn(b, path)


def nn_nd_block(path: Path) -> Path:
    """Rank-N layers in exact shape mapping: a projection, a transpose, a reshape and a batched matmul."""
    builder = ct.models.neural_network.NeuralNetworkBuilder(
        [("x", datatypes.Array(1, 16, 64))], [("y", None)], disable_rank5_shape_mapping=True)
    builder.add_batched_mat_mul("proj", input_names=["x"], output_name="p", weight_matrix_rows=64,
                                weight_matrix_columns=64, W=np.ones((64, 64), np.float32) * 0.01)
    builder.add_transpose("t", axes=[0, 2, 1], input_name="p", output_name="pt")
    builder.add_batched_mat_mul("scores", input_names=["p", "pt"], output_name="s")
    builder.add_reshape_static("r", input_name="s", output_name="y", output_shape=[1, 256])
    builder.spec.description.output[0].type.multiArrayType.dataType = FLOAT32
    ct.utils.save_spec(builder.spec, str(path))
    return path


def _vision_feature_print() -> Any:
    """The feature-print stage of a Create ML image classifier: Scene version 1, a 299×299 image to 2048 floats."""
    spec = ct.proto.Model_pb2.Model()
    spec.specificationVersion = 3
    spec.visionFeaturePrint.scene.version = 1
    image = spec.description.input.add()
    image.name = "image"
    image.type.imageType.width = image.type.imageType.height = 299
    image.type.imageType.colorSpace = ct.proto.FeatureTypes_pb2.ImageFeatureType.BGR
    features = spec.description.output.add()
    features.name = "sceneprint"
    features.type.multiArrayType.shape.append(2048)
    features.type.multiArrayType.dataType = FLOAT32
    return spec


def _glm_classifier(labels: list[str]) -> Any:
    spec = ct.proto.Model_pb2.Model()
    spec.specificationVersion = 3
    glm = spec.glmClassifier
    for _ in labels:
        weights = glm.weights.add()
        weights.value.extend([0.001] * 2048)
    glm.offset.extend([0.0] * len(labels))
    glm.postEvaluationTransform = ct.proto.GLMClassifier_pb2.GLMClassifier.Logit
    glm.classEncoding = ct.proto.GLMClassifier_pb2.GLMClassifier.OneVsRest
    glm.stringClassLabels.vector.extend(labels)
    features = spec.description.input.add()
    features.name = "sceneprint"
    features.type.multiArrayType.shape.append(2048)
    features.type.multiArrayType.dataType = FLOAT32
    label = spec.description.output.add()
    label.name = "label"
    label.type.stringType.MergeFromString(b"")
    spec.description.predictedFeatureName = "label"
    return spec


def create_ml_image_classifier(path: Path, head: str = "glm") -> Path:
    """A Create ML-style image classifier: a pipeline of Vision's feature print and a GLM (or, with head="nn", a
    small NeuralNetwork classifier on the same features)."""
    from coremltools.models.pipeline import PipelineClassifier

    labels = ["cat", "dog"]
    pipe = PipelineClassifier([("image", datatypes.Array(3, 299, 299))], labels, [("label", datatypes.String())])
    pipe.add_model(_vision_feature_print())
    if head == "glm":
        pipe.add_model(_glm_classifier(labels))
    else:
        b = ct.models.neural_network.NeuralNetworkBuilder([("sceneprint", datatypes.Array(2048))], [("scores", None)])
        b.add_inner_product("fc", W=np.ones((2, 2048), np.float32) * 0.001, b=None, input_channels=2048,
                            output_channels=2, has_bias=False, input_name="sceneprint", output_name="logits")
        b.add_softmax("softmax", "logits", "scores")
        b.spec.description.output[0].type.multiArrayType.dataType = FLOAT32
        pipe.add_model(b.spec)
    pipe.spec.specificationVersion = 3
    pipe.spec.description.input[0].type.imageType.width = 299
    pipe.spec.description.input[0].type.imageType.height = 299
    pipe.spec.description.input[0].type.imageType.colorSpace = ct.proto.FeatureTypes_pb2.ImageFeatureType.BGR
    ct.utils.save_spec(pipe.spec, str(path))
    return path


def glm_and_tree_pipeline(path: Path) -> Path:
    """A pipeline with no neural stage at all."""
    from coremltools.models.pipeline import Pipeline
    from coremltools.models.tree_ensemble import TreeEnsembleRegressor

    tree = TreeEnsembleRegressor(features=[("x", datatypes.Double())], target="y")
    tree.add_leaf_node(0, 0, 1.0)
    pipe = Pipeline([("x", datatypes.Double())], [("y", datatypes.Double())])
    pipe.add_model(tree.spec)
    pipe.spec.specificationVersion = 3
    ct.utils.save_spec(pipe.spec, str(path))
    return path


def word_tagger(path: Path) -> Path:
    """A Natural Language word tagger, as Create ML writes one: the framework's own bytes, no layers."""
    spec = ct.proto.Model_pb2.Model()
    spec.specificationVersion = 4
    spec.wordTagger.revision = 1
    spec.wordTagger.language = "en"
    spec.wordTagger.tokensOutputFeatureName = "tokens"
    spec.wordTagger.tokenTagsOutputFeatureName = "tags"
    spec.wordTagger.modelParameterData = b"\x00" * 16
    spec.wordTagger.stringTags.vector.extend(["NAME", "OTHER"])
    text = spec.description.input.add()
    text.name = "text"
    text.type.stringType.MergeFromString(b"")
    ct.utils.save_spec(spec, str(path))
    return path


def sound_classifier(path: Path) -> Path:
    """A Create ML-style sound classifier: Vggish preprocessing (a built-in stage), then a NeuralNetwork."""
    from coremltools.models.pipeline import Pipeline

    pre = ct.proto.Model_pb2.Model()
    pre.specificationVersion = 4
    pre.soundAnalysisPreprocessing.vggish.SetInParent()
    audio = pre.description.input.add()
    audio.name = "audio"
    audio.type.multiArrayType.shape.append(15600)
    audio.type.multiArrayType.dataType = FLOAT32
    mel = pre.description.output.add()
    mel.name = "mel"
    mel.type.multiArrayType.shape.extend([1, 96, 64])
    mel.type.multiArrayType.dataType = FLOAT32
    b = ct.models.neural_network.NeuralNetworkBuilder([("mel", datatypes.Array(1, 96, 64))], [("scores", None)])
    b.add_convolution("conv", kernel_channels=1, output_channels=8, height=3, width=3, stride_height=1,
                      stride_width=1, border_mode="same", groups=1, W=conv_weights(1, 8, 3, 3), b=None,
                      has_bias=False, input_name="mel", output_name="c")
    b.add_pooling("gap", height=1, width=1, stride_height=1, stride_width=1, layer_type="AVERAGE",
                  padding_type="VALID", input_name="c", output_name="scores", is_global=True)
    b.spec.description.output[0].type.multiArrayType.dataType = FLOAT32
    pipe = Pipeline([("audio", datatypes.Array(15600))], [("scores", datatypes.Array(8, 1, 1))])
    pipe.add_model(pre)
    pipe.add_model(b.spec)
    pipe.spec.specificationVersion = 4
    ct.utils.save_spec(pipe.spec, str(path))
    return path
