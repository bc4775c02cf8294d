#!/usr/bin/python3
"""fovea rf on torchvision ResNet-50 as ONNX, with weights and graph only,
end to end (process start to exit), next to the ways Python RF tools get
the same graph: onnx.load of the file, and torch.jit.trace of the model.

    /usr/bin/python3 bench/onnx_rf.py [--fovea build-bench/fovea] [--runs 20]

Needs Debian's PyTorch and ONNX (sh scripts/setup --fixtures). The models
(about 100 MB with weights) go to a temporary directory that is removed at
the end. Targets (DESIGN.md): with weights under 0.25 s, graph only under
10 ms. Figures: best and median wall time over the runs, the median CPU
time (user + sys: what the run costs when other processes share the
cores), and the largest peak RSS of a run (from /usr/bin/time).
"""
import argparse
import importlib.util
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time

import onnx
import torch
import torchvision

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def graph_only_tools():
    path = os.path.join(ROOT, "scripts", "fixtures", "onnx_torchvision.py")
    spec = importlib.util.spec_from_file_location("onnx_torchvision", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_child(argv):
    """Wall and CPU seconds (user + sys, from wait4) of one run of argv."""
    t = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit("%s failed with status %d" % (" ".join(argv), p.returncode))
    return wall, usage.ru_utime + usage.ru_stime


def peak_rss(argv):
    """Peak RSS (MiB) of one run, from /usr/bin/time: a child forked from this
    Python process would count the pages it inherits in its own ru_maxrss."""
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True, check=True)
    return int(p.stderr.strip().splitlines()[-1]) / 1024.0


def measure(label, argv, runs):
    run_child(argv)  # warm the page cache
    walls, cpus = zip(*(run_child(argv) for _ in range(runs)))
    print("%-38s wall best %8.2f ms, median %8.2f ms; CPU median %8.2f ms; peak RSS %7.1f MiB" %
          (label, 1e3 * min(walls), 1e3 * statistics.median(walls), 1e3 * statistics.median(cpus),
           peak_rss(argv)))
    return min(walls)


def measure_python(label, fn, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    print("%-38s wall best %8.2f ms, median %8.2f ms (in-process, Python already running)" %
          (label, 1e3 * min(times), 1e3 * statistics.median(times)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fovea", default=os.path.join(ROOT, "build-bench", "fovea"))
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    if not os.path.exists(args.fovea):
        subprocess.run(["sh", "-c", "cmake -S '%s' -B '%s/build-bench' -DCMAKE_BUILD_TYPE=Release "
                        "-DFOVEA_TESTS=OFF >/dev/null && cmake --build '%s/build-bench' "
                        "--target fovea_cli -j2 >/dev/null" % (ROOT, ROOT, ROOT)], check=True)
    torch.set_num_threads(2)
    tools = graph_only_tools()
    with tempfile.TemporaryDirectory() as tmp:
        full = os.path.join(tmp, "resnet50.onnx")
        lean = os.path.join(tmp, "resnet50_graph.onnx")
        model = torchvision.models.resnet50(weights=None).eval()
        torch.onnx.export(model, torch.zeros(1, 3, 224, 224), full, opset_version=13,
                          input_names=["input"], training=torch.onnx.TrainingMode.EVAL)
        tools.export_graph_only(model, 224, lean)
        print("torch %s, torchvision %s; ResNet-50 at 224x224, opset 13" %
              (torch.__version__, torchvision.__version__))
        print("with weights: %.1f MB; graph only: %.1f kB; %d runs each\n" %
              (os.path.getsize(full) / 1e6, os.path.getsize(lean) / 1e3, args.runs))
        t_full = measure("fovea rf (with weights)", [args.fovea, "rf", full], args.runs)
        t_lean = measure("fovea rf (graph only)", [args.fovea, "rf", lean], args.runs)
        measure("python3 -c pass (interpreter start)", [sys.executable, "-c", "pass"], 5)
        measure("python3: import onnx; onnx.load", [sys.executable, "-c",
                "import onnx, sys; onnx.load(sys.argv[1])", full], 5)
        measure_python("onnx.load (with weights)", lambda: onnx.load(full), 5)
        example = torch.zeros(1, 3, 224, 224)
        with torch.no_grad():
            measure_python("torch.jit.trace(resnet50)",
                           lambda: torch.jit.trace(model, example), 3)
        print("\ntarget with weights < 250 ms: %s; graph only < 10 ms: %s" %
              ("MET" if t_full < 0.25 else "NOT MET", "MET" if t_lean < 0.010 else "NOT MET"))


if __name__ == "__main__":
    main()
