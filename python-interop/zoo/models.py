"""Model builders of the zoo (architecture only: training recipes and saving live in recipes.py).

Which Keras each builder uses is part of the model's identity, because the SavedModel each one produces differs:

- build_mlp, build_cnn, build_gru: tf-keras (Keras 2, `import tf_keras`), saved by `model.save(save_format='tf')`.
  mlp and cnn are the models tensorflow-model-optimization fine-tunes (it only works on tf-keras models), so a
  benchmark can rebuild them here and train them with MLP_RECIPE / CNN_RECIPE.
- build_lstm: Keras 3 (`import keras`, TensorFlow backend), exported by `model.export(path)`.
- build_transformer: either (tf-keras: `transformer`, saved by model.save; Keras 3: `transformer_keras3`, exported).
- EinsumAttentionClassifier: a plain tf.Module (no Keras), saved by tf.saved_model.save.
- build_conv1d_graph: a TF1 graph (tf.compat.v1 ref variables), saved by tf.compat.v1.saved_model.simple_save;
  call it inside a tf.Graph in a process where v2 behaviour is disabled.

Keras and tf-keras are imported inside the builders that use them, so importing this module commits to neither. Every layer, input and output is named: the names become the SavedModel's variable names and signature keys,
which stay the same whatever was built before in the process.
"""

# Fashion-MNIST images are (28, 28) float32 in [0, 1] (see data.load_fashion_mnist); every image model takes them
# under the signature input key "pixels" and answers logits under "logits" (conv1d also gives "probabilities").
import tensorflow as tf

IMAGE_SHAPE = (28, 28)
NUM_CLASSES = 10
IMAGE_INPUT = "pixels"
# PTB next-word models: token ids (int32, input key "tokens") of any length, trained and evaluated on windows of
# SEQ_LEN -> logits (batch, length, vocab). Any length, so that a rewritten loop can be checked at other lengths.
SEQ_LEN = 20
TOKEN_INPUT = "tokens"

# Training recipes the zoo uses (epochs / steps, batch size, learning rate); a benchmark reusing a builder can
# reproduce the zoo's model with them.
MLP_RECIPE = dict(epochs=8, batch_size=128, learning_rate=1e-3)
CNN_RECIPE = dict(epochs=2, batch_size=128, learning_rate=2e-3)


def compile_classifier(model, learning_rate):
    """tf-keras compile for the Fashion-MNIST classifiers (integer labels, logits output)."""
    import tf_keras
    model.compile(optimizer=tf_keras.optimizers.Adam(learning_rate),
                  loss=tf_keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def build_mlp(hidden=(256, 128)):
    """tf-keras MLP: (28, 28) -> Flatten -> Dense 256 relu -> Dense 128 relu -> Dense 10 logits."""
    import tf_keras
    L = tf_keras.layers
    x = inp = tf_keras.Input(IMAGE_SHAPE, name=IMAGE_INPUT)
    x = L.Flatten(name="flatten")(x)
    for i, units in enumerate(hidden):
        x = L.Dense(units, activation="relu", name="dense_%d" % (i + 1))(x)
    out = L.Dense(NUM_CLASSES, name="logits")(x)
    return tf_keras.Model(inp, out, name="mlp")


def build_cnn(filters=32, pointwise=64, dense=128):
    """tf-keras CNN with a MobileNet block.

    (28, 28) -> (28, 28, 1) -> Conv2D 3x3 -> BN -> ReLU -> MaxPool -> DepthwiseConv2D 3x3 -> BN -> ReLU
    -> Conv2D 1x1 (pointwise) -> BN -> ReLU -> MaxPool -> Flatten -> Dense 128 relu -> Dense 10 logits.
    """
    import tf_keras
    L = tf_keras.layers
    x = inp = tf_keras.Input(IMAGE_SHAPE, name=IMAGE_INPUT)
    x = L.Reshape(IMAGE_SHAPE + (1,), name="channels")(x)
    x = L.Conv2D(filters, 3, padding="same", use_bias=False, name="conv")(x)
    x = L.BatchNormalization(name="conv_bn")(x)
    x = L.ReLU(name="conv_relu")(x)
    x = L.MaxPooling2D(2, name="pool1")(x)
    x = L.DepthwiseConv2D(3, padding="same", use_bias=False, name="depthwise")(x)
    x = L.BatchNormalization(name="depthwise_bn")(x)
    x = L.ReLU(name="depthwise_relu")(x)
    x = L.Conv2D(pointwise, 1, use_bias=False, name="pointwise")(x)
    x = L.BatchNormalization(name="pointwise_bn")(x)
    x = L.ReLU(name="pointwise_relu")(x)
    x = L.MaxPooling2D(2, name="pool2")(x)
    x = L.Flatten(name="flatten")(x)
    x = L.Dense(dense, activation="relu", name="dense")(x)
    out = L.Dense(NUM_CLASSES, name="logits")(x)
    return tf_keras.Model(inp, out, name="cnn")


def build_gru(vocab_size, embedding=64, units=128, output_bias=None):
    """tf-keras next-word model: tokens (any length) int32 -> Embedding -> GRU (sequences) -> Dense vocab logits.

    output_bias: optional initial logits bias (the unigram log-probabilities make training start at a unigram model).
    """
    import tf_keras
    L = tf_keras.layers
    inp = tf_keras.Input((None,), dtype="int32", name=TOKEN_INPUT)
    x = L.Embedding(vocab_size, embedding, name="embedding")(inp)
    x = L.GRU(units, return_sequences=True, name="gru")(x)
    bias_init = "zeros" if output_bias is None else tf_keras.initializers.Constant(output_bias)
    out = L.Dense(vocab_size, bias_initializer=bias_init, name="logits")(x)
    return tf_keras.Model(inp, out, name="gru")


def build_lstm(vocab_size, embedding=100, units=200, output_bias=None):
    """Keras 3 next-word model: tokens (any length) int32 -> Embedding -> LSTM (sequences) -> Dense vocab logits."""
    import keras
    L = keras.layers
    inp = keras.Input((None,), dtype="int32", name=TOKEN_INPUT)
    x = L.Embedding(vocab_size, embedding, name="embedding")(inp)
    x = L.LSTM(units, return_sequences=True, name="lstm")(x)
    bias_init = "zeros" if output_bias is None else keras.initializers.Constant(output_bias)
    out = L.Dense(vocab_size, bias_initializer=bias_init, name="logits")(x)
    return keras.Model(inp, out, name="lstm")


def build_transformer(d_model=64, heads=4, ffn=128, api="tf_keras"):
    """Transformer encoder on image rows (28 tokens of 28 features), in tf-keras or Keras 3 (``api="keras"``).

    Dense projection to d_model + learned positional embedding -> [MultiHeadAttention (EinsumDense projections)
    -> residual -> LayerNormalization -> Dense ffn relu -> Dense d_model -> residual -> LayerNormalization]
    -> GlobalAveragePooling1D -> Dense 10 logits.

    The same layers lower differently: tf-keras's EinsumDense emits the ``Einsum`` op (as TF-official BERT and every
    Keras 2 attention model do), Keras 3.8's TensorFlow backend rewrites those einsums into Reshape + BatchMatMulV2.
    The zoo keeps both, because users bring both.
    """
    if api == "tf_keras":
        import tf_keras as keras
    elif api == "keras":
        import keras
    else:
        raise ValueError("api must be tf_keras or keras, not %r" % api)
    L = keras.layers

    class PositionEmbedding(L.Layer):
        """Adds a learned (sequence, features) embedding to its input."""

        def build(self, input_shape):
            self.embeddings = self.add_weight(
                name="embeddings", shape=(input_shape[-2], input_shape[-1]),
                initializer=keras.initializers.RandomNormal(stddev=0.02))

        def call(self, x):
            return x + self.embeddings

    inp = keras.Input(IMAGE_SHAPE, name=IMAGE_INPUT)
    x = L.Dense(d_model, name="row_projection")(inp)
    x = PositionEmbedding(name="position_embedding")(x)
    att = L.MultiHeadAttention(heads, d_model // heads, name="attention")(x, x)
    x = L.LayerNormalization(name="attention_norm")(L.Add(name="attention_residual")([x, att]))
    h = L.Dense(ffn, activation="relu", name="ffn_1")(x)
    h = L.Dense(d_model, name="ffn_2")(h)
    x = L.LayerNormalization(name="ffn_norm")(L.Add(name="ffn_residual")([x, h]))
    x = L.GlobalAveragePooling1D(name="pool")(x)
    out = L.Dense(NUM_CLASSES, name="logits")(x)
    return keras.Model(inp, out, name="transformer")


class EinsumAttentionClassifier(tf.Module):
    """Hand-written single-head self-attention classifier over image rows (no Keras).

    Every weight matrix is a 2-D tf.Variable: the row embedding and the attention projections are read by
    tf.einsum('btd,de->bte'), the feed-forward layers and the classifier by tf.matmul.
    """

    def __init__(self, d_model=64, ffn=128, seed=0, name="einsum_attention"):
        super().__init__(name=name)
        rows, features = IMAGE_SHAPE
        init = tf.random.stateless_normal
        k = iter(range(1000))

        def glorot(shape):
            scale = (2.0 / (shape[0] + shape[1])) ** 0.5
            return init(shape, seed=[seed, next(k)], dtype=tf.float32) * scale

        self.w_embed = tf.Variable(glorot([features, d_model]), name="w_embed")
        self.b_embed = tf.Variable(tf.zeros([d_model]), name="b_embed")
        self.position = tf.Variable(init([rows, d_model], seed=[seed, next(k)]) * 0.02, name="position")
        self.w_query = tf.Variable(glorot([d_model, d_model]), name="w_query")
        self.w_key = tf.Variable(glorot([d_model, d_model]), name="w_key")
        self.w_value = tf.Variable(glorot([d_model, d_model]), name="w_value")
        self.w_out = tf.Variable(glorot([d_model, d_model]), name="w_out")
        self.ln1_scale = tf.Variable(tf.ones([d_model]), name="ln1_scale")
        self.ln1_bias = tf.Variable(tf.zeros([d_model]), name="ln1_bias")
        self.w_ffn1 = tf.Variable(glorot([d_model, ffn]), name="w_ffn1")
        self.b_ffn1 = tf.Variable(tf.zeros([ffn]), name="b_ffn1")
        self.w_ffn2 = tf.Variable(glorot([ffn, d_model]), name="w_ffn2")
        self.b_ffn2 = tf.Variable(tf.zeros([d_model]), name="b_ffn2")
        self.ln2_scale = tf.Variable(tf.ones([d_model]), name="ln2_scale")
        self.ln2_bias = tf.Variable(tf.zeros([d_model]), name="ln2_bias")
        self.w_classes = tf.Variable(glorot([d_model, NUM_CLASSES]), name="w_classes")
        self.b_classes = tf.Variable(tf.zeros([NUM_CLASSES]), name="b_classes")
        self.d_model = d_model

    @staticmethod
    def _layer_norm(x, scale, bias):
        mean, variance = tf.nn.moments(x, axes=[-1], keepdims=True)
        return (x - mean) * tf.math.rsqrt(variance + 1e-5) * scale + bias

    def logits(self, pixels):
        """pixels (batch, 28, 28) float32 in [0, 1] -> logits (batch, 10)."""
        x = tf.einsum("btd,de->bte", pixels, self.w_embed) + self.b_embed + self.position
        q = tf.einsum("btd,de->bte", x, self.w_query)
        k = tf.einsum("btd,de->bte", x, self.w_key)
        v = tf.einsum("btd,de->bte", x, self.w_value)
        scores = tf.einsum("bqd,bkd->bqk", q, k) / (float(self.d_model) ** 0.5)
        att = tf.einsum("bqk,bkd->bqd", tf.nn.softmax(scores, axis=-1), v)
        x = self._layer_norm(x + tf.einsum("btd,de->bte", att, self.w_out), self.ln1_scale, self.ln1_bias)
        rows = tf.reshape(x, [-1, self.d_model])
        h = tf.nn.relu(tf.matmul(rows, self.w_ffn1) + self.b_ffn1)
        h = tf.matmul(h, self.w_ffn2) + self.b_ffn2
        x = self._layer_norm(x + tf.reshape(h, tf.shape(x)), self.ln2_scale, self.ln2_bias)
        pooled = tf.reduce_mean(x, axis=1)
        return tf.matmul(pooled, self.w_classes) + self.b_classes

    @tf.function(input_signature=[tf.TensorSpec([None, 28, 28], tf.float32, name=IMAGE_INPUT)])
    def serve(self, pixels):
        return {"logits": self.logits(pixels)}


def build_conv1d_graph(filters=(64, 128), kernel=3, dense=128):
    """Builds the TF1 Conv1D classifier into the current (v1) graph with ref variables.

    pixels (None, 28, 28) float32 placeholder -> conv1d k3 64 relu -> conv1d k3 128 relu -> max-pool /2 over rows
    -> flatten -> dense 128 relu -> dense 10. Variables come from tf.compat.v1.get_variable(use_resource=False).
    Returns dict(pixels=placeholder, labels=placeholder, logits=, probabilities=).
    """
    v1 = tf.compat.v1
    rows, features = IMAGE_SHAPE
    glorot = v1.glorot_uniform_initializer()
    pixels = v1.placeholder(tf.float32, [None, rows, features], name=IMAGE_INPUT)
    labels = v1.placeholder(tf.int32, [None], name="labels")
    x, channels = pixels, features
    for i, f in enumerate(filters):
        with v1.variable_scope("conv%d" % (i + 1)):
            w = v1.get_variable("kernel", [kernel, channels, f], initializer=glorot, use_resource=False)
            b = v1.get_variable("bias", [f], initializer=v1.zeros_initializer(), use_resource=False)
            x = tf.nn.relu(tf.nn.bias_add(tf.nn.conv1d(x, w, stride=1, padding="SAME"), b))
            channels = f
    x = tf.nn.max_pool1d(x, ksize=2, strides=2, padding="VALID")
    x = tf.reshape(x, [-1, (rows // 2) * channels])
    with v1.variable_scope("dense"):
        w = v1.get_variable("kernel", [(rows // 2) * channels, dense], initializer=glorot, use_resource=False)
        b = v1.get_variable("bias", [dense], initializer=v1.zeros_initializer(), use_resource=False)
        x = tf.nn.relu(tf.matmul(x, w) + b)
    with v1.variable_scope("logits"):
        w = v1.get_variable("kernel", [dense, NUM_CLASSES], initializer=glorot, use_resource=False)
        b = v1.get_variable("bias", [NUM_CLASSES], initializer=v1.zeros_initializer(), use_resource=False)
        logits = tf.add(tf.matmul(x, w), b, name="logits")
    probabilities = tf.nn.softmax(logits, name="probabilities")
    return dict(pixels=pixels, labels=labels, logits=logits, probabilities=probabilities)
