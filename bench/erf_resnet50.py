#!/usr/bin/python3
"""The RepLKNet ERF protocol, PyTorch against fovea.

torchvision ResNet-50 with seeded random weights, truncated after layer3,
exported to ONNX in a temporary folder. Inputs: N seeded normal-noise
images at 1024x1024, written once as raw float32 so that both sides read
the same numbers. PyTorch does what RepLKNet's erf/visualize_erf.py does:
a full forward pass, loss = ReLU of the layer3 map's centre unit (h//2,
w//2) summed over channels, the input gradient by autograd, ReLU, summed
over RGB, averaged over the images. fovea runs
`fovea erf MODEL --weights model --aggregate relu --unit 32,32` on the same
file. Each side runs in its own process with the same thread count; peak
memory is that process's maximum resident set. Then both run again in
float64 (the model converted with .to(torch.float64), fovea with
--precision float64): the comparison that float32 rounding does not blur.

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


def peak_gflops():
    """Single-precision peak of the cores we use: 16 lanes with AVX-512, 8
    with AVX2; 2 flops per FMA; 2 FMA units per core assumed (1 on some parts)."""
    flags = open("/proc/cpuinfo").read()
    lanes = 16 if "avx512f" in flags else 8
    mhz = max(float(l.split(":")[1]) for l in flags.splitlines() if l.startswith("cpu MHz"))
    return lanes * 2 * 2 * mhz / 1e3


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
                    help="skip the float64 PyTorch reference that both float32 maps are held to")
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
    torch_map = os.path.join(tmp, "torch.f64")
    worker = [sys.executable, os.path.abspath(__file__), "--torch-worker", "--inputs", inputs,
              "--samples", str(args.samples), "--threads", str(args.threads), "--size", str(s)]
    out, torch_wall, torch_cpu_total, torch_rss = run_child(worker + ["--out", torch_map], env)
    torch_log = json.loads(out.strip().splitlines()[-1])
    torch_times, torch_cpus = torch_log["times"], torch_log["cpu"]

    fovea_map = os.path.join(tmp, "fovea.f64")
    unit = "%d,%d" % ((s // 16) // 2, (s // 16) // 2)
    base = [args.fovea, "erf", onnx_path, "--weights", "model", "--inputs", inputs, "--input",
            str(s), "--aggregate", "relu", "--unit", unit, "--threads", str(args.threads),
            "--format", "json"]
    out1, fovea_one, fovea_one_cpu, _ = run_child(base + ["--samples", "1"], env)
    out, fovea_wall, fovea_cpu_total, fovea_rss = run_child(
        base + ["--samples", str(args.samples), "--map", fovea_map], env)
    info = json.loads(out)
    # fovea times its own sample loop: the monotonic clock and the
    # process's CPU clock (all threads) around it
    per_sample = info["seconds"]["samples"] / args.samples
    per_cpu = info["seconds"]["samples_cpu"] / args.samples

    a = np.fromfile(torch_map, dtype="<f8")
    b = np.fromfile(fovea_map, dtype="<f8")
    rel = np.abs(a - b).max() / np.abs(a).max()
    big = a > 0.01 * a.max()
    per_pixel = np.abs(a - b)[big] / a[big]
    ref = None
    if not args.no_float64:
        ref_map = os.path.join(tmp, "torch64.f64")
        out, torch64_wall, torch64_cpu, torch64_rss = run_child(
            worker + ["--out", ref_map, "--float64"], env)
        torch64_times = json.loads(out.strip().splitlines()[-1])["times"]
        ref = np.fromfile(ref_map, dtype="<f8")
        fovea64_map = os.path.join(tmp, "fovea64.f64")
        out, fovea64_wall, fovea64_cpu, fovea64_rss = run_child(
            base + ["--samples", str(args.samples), "--map", fovea64_map, "--precision",
                    "float64"], env)
        fovea64_per = json.loads(out)["seconds"]["samples"] / args.samples
        ref_fovea = np.fromfile(fovea64_map, dtype="<f8")
    def steady(v):  # the first image pays for allocation and warm-up
        return sum(v[1:]) / (len(v) - 1) if len(v) > 1 else v[0]
    torch_per, torch_cpu = steady(torch_times), steady(torch_cpus)
    flops = info["conv_flops_per_sample"]
    print("RepLKNet protocol, torchvision ResNet-50 to layer3, %dx%d, %d images, %d threads,"
          " OMP_WAIT_POLICY %s" % (s, s, args.samples, args.threads, args.omp_wait))
    print("  PyTorch %s: %.3f s per image wall, %.3f CPU-s (first image %.3f s), process %.1f s"
          " wall / %.1f CPU-s, peak RSS %.0f MiB"
          % (torch.__version__, torch_per, torch_cpu, torch_times[0], torch_wall, torch_cpu_total,
             torch_rss))
    print("  fovea: %.3f s per image wall, %.3f CPU-s; process %.1f s wall / %.1f CPU-s (one image:"
          " %.1f s wall, %.1f CPU-s, load and setup included), peak RSS %.0f MiB"
          % (per_sample, per_cpu, fovea_wall, fovea_cpu_total, fovea_one, fovea_one_cpu, fovea_rss))
    print("  speed-up per image: %.1fx wall, %.1fx CPU; whole process: %.1fx wall, %.1fx CPU"
          % (torch_per / per_sample, torch_cpu / per_cpu, torch_wall / fovea_wall,
             torch_cpu_total / fovea_cpu_total))
    print("  load average during the run: %.1f (on %d cores)" % (os.getloadavg()[0], os.cpu_count()))
    print("  maps: largest difference %.3g relative to the largest value; per pixel (pixels"
          " above 1%% of the max) median %.2g, 99th percentile %.2g; support %d = %d pixels"
          % (rel, np.median(per_pixel), np.percentile(per_pixel, 99), (a != 0).sum(),
             (b != 0).sum()))
    if ref is not None:
        print("  against PyTorch in float64: PyTorch float32 differs by %.3g, fovea float32 by %.3g"
              " (largest difference relative to the largest value)"
              % (np.abs(a - ref).max() / ref.max(), np.abs(b - ref).max() / ref.max()))
        print("  float64 maps (fovea --precision float64 against PyTorch in float64): largest"
              " difference %.3g relative to the largest value; support %d = %d pixels"
              % (np.abs(ref_fovea - ref).max() / ref.max(), (ref != 0).sum(),
                 (ref_fovea != 0).sum()))
        print("  float64 time per image: PyTorch %.3f s, fovea %.3f s wall (%.1fx); peak RSS %.0f"
              " against %.0f MiB"
              % (steady(torch64_times), fovea64_per, steady(torch64_times) / fovea64_per,
                 torch64_rss, fovea64_rss))
    peak = peak_gflops()
    print("  cone window %dx%d at (%d, %d); conv work %.2f GFLOP per image: %.1f GFLOP/s per wall"
          " second, %.1f per CPU-second = %.1f%% of one core's %.0f GFLOP/s peak"
          % (info["window"]["height"], info["window"]["width"], info["window"]["y0"],
             info["window"]["x0"], flops / 1e9, flops / 1e9 / per_sample, flops / 1e9 / per_cpu,
             100 * flops / 1e9 / per_cpu / peak, peak))


if __name__ == "__main__":
    main()
