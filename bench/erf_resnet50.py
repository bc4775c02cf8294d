#!/usr/bin/python3
"""The RepLKNet ERF protocol, PyTorch against fovea.

torchvision ResNet-50 with seeded random weights, truncated after layer3,
exported to ONNX in a temporary folder. Inputs: N seeded normal-noise
images at 1024x1024, written once as raw float32 so that both sides read
the same numbers. PyTorch does what RepLKNet's erf/visualize_erf.py does:
a full forward pass, loss = ReLU of the layer3 map's centre unit (h//2,
w//2) summed over channels, the input gradient by autograd, ReLU, summed
over RGB, averaged over the images, in float32 (as RepLKNet does) and in
float64 (the model converted with .to(torch.float64)): the exact
reference that float32 rounding does not blur. fovea runs
`fovea erf MODEL --weights model --aggregate relu --unit 32,32` on the same
file in its default float64 and in float32. Each run is a process of its
own with the same thread count; peak memory is that process's maximum
resident set. It prints a table of the four runs, the speed-ups and the
maps' differences, and each fovea run's share of the machine's peak FLOP
rate.

    /usr/bin/python3 bench/erf_resnet50.py [--fovea PATH] [--samples N] [--threads T] [--size S]

Never part of the tests (it needs PyTorch and takes minutes).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time


def build_model():
    import torch
    import torch.nn as nn
    import torchvision
    torch.manual_seed(0)
    net = torchvision.models.resnet50()  # random weights (He init), no download
    # eval-mode batch norm with non-trivial statistics, so the folding is exercised
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            m.running_mean.copy_(torch.randn(c) * 0.1)
            m.running_var.copy_(torch.rand(c) * 0.5 + 0.75)
    trunk = nn.Sequential(net.conv1, net.bn1, net.relu, net.maxpool, net.layer1, net.layer2,
                          net.layer3)
    return trunk.eval()


def torch_worker(args):
    """Runs in a child process: the PyTorch side, timed per image."""
    import numpy as np
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(args.threads)
    model = build_model()
    dtype = torch.float64 if args.float64 else torch.float32
    model = model.to(dtype)
    s = args.size
    data = np.fromfile(args.inputs, dtype="<f4").reshape(-1, 3, s, s)
    total = None
    times, cpu = [], []
    for k in range(args.samples):
        t0, c0 = time.perf_counter(), time.process_time()
        x = torch.from_numpy(data[k % len(data)].copy()).unsqueeze(0).to(dtype)
        x.requires_grad_(True)
        out = model(x)
        h, w = out.shape[2], out.shape[3]
        central = F.relu(out[:, :, h // 2, w // 2]).sum()
        grad = torch.autograd.grad(central, x)[0]
        grad = F.relu(grad).sum(dim=(0, 1))
        total = grad if total is None else total + grad
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    (total / args.samples).numpy().astype("<f8").tofile(args.out)
    print(json.dumps({"times": times, "cpu": cpu}))


def run_child(cmd, env=None):
    """Runs cmd; returns its stdout, wall seconds, CPU seconds (user + system,
    all threads) and peak RSS in MiB, of that process alone. GNU time
    measures them: a child forked from this (large) Python process would
    otherwise be charged the parent's resident pages in its peak."""
    with tempfile.NamedTemporaryFile("r") as log:
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-o", log.name, "-f", "%U %S %M"] + cmd,
                           stdout=subprocess.PIPE, env=env)
        seconds = time.perf_counter() - t0
        if p.returncode != 0:
            sys.exit("failed: %s" % " ".join(cmd))
        user, system, rss = log.read().split()[-3:]
    return p.stdout.decode(), seconds, float(user) + float(system), float(rss) / 1024.0


def peak_gflops(double):
    """Peak of one core: 16 single-precision lanes with AVX-512, 8 with AVX2
    (half as many in double precision); 2 flops per FMA; 2 FMA units per
    core assumed (1 on some parts)."""
    flags = open("/proc/cpuinfo").read()
    lanes = 16 if "avx512f" in flags else 8
    mhz = max(float(l.split(":")[1]) for l in flags.splitlines() if l.startswith("cpu MHz"))
    return (lanes // (2 if double else 1)) * 2 * 2 * mhz / 1e3


def steady(v):
    """Mean seconds per image past the first, which pays for allocation."""
    return sum(v[1:]) / (len(v) - 1) if len(v) > 1 else v[0]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--fovea", default=os.path.join(here, "..", "build-bench", "fovea"))
    ap.add_argument("--samples", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--omp-wait", choices=["passive", "active", "default"], default="passive",
                    help="OMP_WAIT_POLICY of both sides (both use libgomp); idle threads that"
                         " spin steal a shared machine's cores")
    ap.add_argument("--no-float64", action="store_true",
                    help="skip PyTorch in float64 (about 100 s per image), the exact reference")
    ap.add_argument("--torch-worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--float64", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--inputs", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.torch_worker:
        return torch_worker(args)

    import numpy as np
    import torch
    tmp = tempfile.mkdtemp(prefix="fovea_erf_bench_")
    onnx_path = os.path.join(tmp, "resnet50_layer3.onnx")
    inputs = os.path.join(tmp, "inputs.f32")
    s = args.size
    # PRESERVE keeps the eval-mode batch norms as BatchNormalization nodes:
    # EVAL would fold them into the convs' weights in float32, and the file
    # would then hold another network than the one PyTorch runs (2e-7 apart
    # in float64).
    torch.onnx.export(build_model(), torch.zeros(1, 3, s, s), onnx_path, opset_version=13,
                      input_names=["input"], output_names=["layer3"], do_constant_folding=True,
                      training=torch.onnx.TrainingMode.PRESERVE)
    import onnx
    n_bn = sum(n.op_type == "BatchNormalization" for n in onnx.load(onnx_path).graph.node)
    if n_bn != 43:
        sys.exit("the export holds %d batch norms, not ResNet-50's 43 up to layer3" % n_bn)
    rng = np.random.default_rng(20261128)
    rng.standard_normal((args.samples, 3, s, s), dtype=np.float32).astype("<f4").tofile(inputs)

    env = dict(os.environ)
    env.pop("OMP_WAIT_POLICY", None)
    if args.omp_wait != "default":
        env["OMP_WAIT_POLICY"] = args.omp_wait.upper()
    worker = [sys.executable, os.path.abspath(__file__), "--torch-worker", "--inputs", inputs,
              "--samples", str(args.samples), "--threads", str(args.threads), "--size", str(s)]
    unit = "%d,%d" % ((s // 16) // 2, (s // 16) // 2)
    base = [args.fovea, "erf", onnx_path, "--weights", "model", "--inputs", inputs, "--input",
            str(s), "--aggregate", "relu", "--unit", unit, "--threads", str(args.threads),
            "--format", "json", "--samples", str(args.samples)]

    # Each run: per-image wall and CPU seconds, whole process, peak RSS, map.
    runs = {}
    for name, double in (("PyTorch float32", False), ("PyTorch float64", True)):
        if double and args.no_float64:
            continue
        out_map = os.path.join(tmp, name.replace(" ", "_") + ".f64")
        out, wall, cpu, rss = run_child(worker + ["--out", out_map] + (["--float64"] if double
                                                                       else []), env)
        log = json.loads(out.strip().splitlines()[-1])
        runs[name] = dict(wall=steady(log["times"]), cpu=steady(log["cpu"]), process=wall,
                          process_cpu=cpu, rss=rss, map=np.fromfile(out_map, dtype="<f8"))
    for name, precision in (("fovea float32", "float32"), ("fovea float64 (default)", "float64")):
        out_map = os.path.join(tmp, precision + ".f64")
        out, wall, cpu, rss = run_child(base + ["--precision", precision, "--map", out_map], env)
        info = json.loads(out)
        # fovea times its own sample loop: the monotonic clock and the
        # process's CPU clock (all threads) around it
        runs[name] = dict(wall=info["seconds"]["samples"] / args.samples,
                          cpu=info["seconds"]["samples_cpu"] / args.samples, process=wall,
                          process_cpu=cpu, rss=rss, map=np.fromfile(out_map, dtype="<f8"),
                          info=info, double=precision == "float64")

    ref = runs.get("PyTorch float64", runs["PyTorch float32"])["map"]
    ref_name = "PyTorch float64" if "PyTorch float64" in runs else "PyTorch float32"
    print("RepLKNet protocol, torchvision ResNet-50 to layer3, %dx%d, %d images, %d threads,"
          " OMP_WAIT_POLICY %s, PyTorch %s; load average %.1f on %d cores"
          % (s, s, args.samples, args.threads, args.omp_wait, torch.__version__,
             os.getloadavg()[0], os.cpu_count()))
    print("  %-24s %9s %9s %10s %10s %9s  %s" % ("", "s/image", "CPU-s/img", "process s",
                                                 "process C", "peak MiB",
                                                 "map: largest difference from %s" % ref_name))
    for name, r in runs.items():
        diff = np.abs(r["map"] - ref).max() / np.abs(ref).max()
        print("  %-24s %9.3f %9.3f %10.1f %10.1f %9.0f  %.3g (support %d of %d pixels)"
              % (name, r["wall"], r["cpu"], r["process"], r["process_cpu"], r["rss"], diff,
                 (r["map"] != 0).sum(), (ref != 0).sum()))
    pairs = [("fovea float64 (default)", "PyTorch float32"), ("fovea float32", "PyTorch float32"),
             ("fovea float64 (default)", "PyTorch float64")]
    for mine, theirs in pairs:
        if theirs not in runs:
            continue
        m, t = runs[mine], runs[theirs]
        print("  %s against %s: %.1fx per image wall, %.1fx CPU; whole process %.1fx wall;"
              " peak memory %.2fx; maps %.3g apart"
              % (mine, theirs, t["wall"] / m["wall"], t["cpu"] / m["cpu"],
                 t["process"] / m["process"], m["rss"] / t["rss"],
                 np.abs(m["map"] - t["map"]).max() / np.abs(t["map"]).max()))
    a, b = runs["PyTorch float32"]["map"], runs["fovea float32"]["map"]
    big = a > 0.01 * a.max()
    per_pixel = np.abs(a - b)[big] / a[big]
    print("  float32 maps, per pixel above 1%% of the max: median %.2g, 99th percentile %.2g"
          % (np.median(per_pixel), np.percentile(per_pixel, 99)))
    for name in ("fovea float32", "fovea float64 (default)"):
        r = runs[name]
        info = r["info"]
        flops = info["conv_flops_per_sample"]
        peak = peak_gflops(r["double"])
        print("  %s: cone window %dx%d at (%d, %d); conv work %.2f GFLOP per image: %.1f GFLOP/s"
              " per wall second, %.1f per CPU-second = %.1f%% of one core's %.0f GFLOP/s %s peak"
              % (name, info["window"]["height"], info["window"]["width"], info["window"]["y0"],
                 info["window"]["x0"], flops / 1e9, flops / 1e9 / r["wall"],
                 flops / 1e9 / r["cpu"], 100 * flops / 1e9 / r["cpu"] / peak, peak,
                 "double" if r["double"] else "single"))


if __name__ == "__main__":
    main()
