"""The numpy contender of `pnpm bench`: the notebook's own training step (../../../shared/seed, SigmoidMLP.train),
run on the network, data and initial parameters the bench gives on stdin, timed as src/timing.ts times its
contenders (warm-up, a chunk of about 1 ms, samples of at least min_seconds, their median). Prints the timings as
JSON: [{"name": "numpy", "seconds": median, "samples": [...]}]; with "check": true in the request, it takes one step and
prints the parameters instead (the bench's tests compare them with puregrad's step).

numpy runs at its default BLAS threads (OpenBLAS, as pip's numpy wheels ship it); the JSON says which BLAS.
"""
import json
import sys
import time

import numpy as np


class Layer:
    def __init__(self, weights, biases):
        self.weights = weights
        self.biases = biases

    def __call__(self, X):
        # Compute \sigmoid(Wx + b)
        return 1 / (1 + np.exp(-(self.weights.dot(X) + self.biases)))


class SigmoidMLP:
    """The notebook's class, with the layers given instead of drawn (the bench's seeded parameters)."""

    def __init__(self, layers):
        self.layers = layers

    def train(self, inputs, targets, learning_rate):
        # Forward pass - compute each layer's output and store it for later use
        layer_outputs = [inputs]
        for layer in self.layers:
            layer_outputs.append(layer(layer_outputs[-1]))

        # Backward pass to compute gradients
        weight_gradients = []
        bias_gradients = []
        # Calculate the error delta for the output layer
        delta = layer_outputs[-1] - targets
        # Iterate over the layers in reverse order (from output layer to input layer)
        for i in range(len(self.layers), 0, -1):
            weight_gradients.append(np.dot(delta, layer_outputs[i - 1].T))
            bias_gradients.append(np.mean(delta, axis=1).reshape(self.layers[i - 1].biases.shape))
            delta = np.dot(self.layers[i - 1].weights.T, delta) * layer_outputs[i - 1] * (1 - layer_outputs[i - 1])

        weight_gradients.reverse()
        bias_gradients.reverse()

        for weight_gradient, bias_gradient, layer in zip(weight_gradients, bias_gradients, self.layers):
            layer.weights -= weight_gradient * learning_rate
            layer.biases -= bias_gradient * learning_rate


def time_batch(run, min_seconds, chunk):
    calls = 0
    start = time.perf_counter()
    while True:
        for _ in range(chunk):
            run()
        calls += chunk
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return elapsed / calls


def calibrate(run):
    chunk = 1
    while True:
        start = time.perf_counter()
        for _ in range(chunk):
            run()
        if time.perf_counter() - start >= 0.001 or chunk >= 1 << 24:
            return chunk
        chunk *= 2


def blas():
    try:
        config = np.show_config(mode="dicts")
        return config["Build Dependencies"]["blas"].get("name", "unknown")
    except Exception:  # numpy before 1.25 has no mode="dicts"
        return "unknown"


def main():
    request = json.load(sys.stdin)
    widths = request["widths"]
    batch = request["batch"]
    layers = [
        Layer(
            np.array(request["weights"][l], dtype=np.float64).reshape(widths[l + 1], widths[l]),
            np.array(request["biases"][l], dtype=np.float64).reshape(widths[l + 1], 1),
        )
        for l in range(len(widths) - 1)
    ]
    mlp = SigmoidMLP(layers)
    x = np.array(request["x"], dtype=np.float64).reshape(widths[0], batch)
    y = np.array(request["y"], dtype=np.float64).reshape(widths[-1], batch)
    lr = request["lr"]
    options = request.get("options")

    def run():
        mlp.train(x, y, lr)

    if request.get("check"):
        # One step, then the parameters: the bench's test compares them with puregrad's step on the same data.
        run()
        json.dump({"weights": [l.weights.ravel().tolist() for l in layers], "biases": [l.biases.ravel().tolist() for l in layers]}, sys.stdout)
        return

    time_batch(run, options["warmupSeconds"], 1)
    chunk = calibrate(run)
    samples = [time_batch(run, options["minSeconds"], chunk) for _ in range(options["repetitions"])]
    median = sorted(samples)[len(samples) // 2] if len(samples) % 2 == 1 else sum(sorted(samples)[len(samples) // 2 - 1:len(samples) // 2 + 1]) / 2
    json.dump([{"name": "numpy", "seconds": median, "samples": samples, "blas": blas(), "numpy": np.__version__}], sys.stdout)


main()
