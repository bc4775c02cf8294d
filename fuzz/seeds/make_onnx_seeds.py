#!/usr/bin/python3
"""Writes small ONNX models that PyTorch exports, as seeds for the ONNX fuzz
target: real exporter output (initializers, Constant nodes, Shape/Gather
chains, opset-specific attributes) that hand-built fixtures lack. Channels
are kept at 2-4 so that every seed stays a few kilobytes.

usage: /usr/bin/python3 fuzz/seeds/make_onnx_seeds.py [OUT_DIR]
"""
import os
import sys

import torch
from torch import nn


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 4, 3, stride=2, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.b = nn.Conv2d(4, 4, 3, padding=1, groups=2)
        self.pool = nn.MaxPool2d(3, 2, 1, ceil_mode=True)

    def forward(self, x):
        y = torch.relu(self.bn(self.a(x)))
        return self.pool(y + self.b(y))


class UpAndConcat(nn.Module):
    def __init__(self):
        super().__init__()
        self.down = nn.Conv2d(3, 2, 3, stride=2, padding=1, dilation=1)
        self.up = nn.ConvTranspose2d(2, 2, 4, stride=2, padding=1)
        self.dil = nn.Conv2d(3, 2, 3, padding=2, dilation=2)

    def forward(self, x):
        u = self.up(self.down(x))
        r = nn.functional.interpolate(self.down(x), scale_factor=2, mode="bilinear",
                                      align_corners=False)
        return torch.cat([u, self.dil(x), r], dim=1)


class SqueezeExcite(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 1)
        self.fc1 = nn.Conv2d(4, 2, 1)
        self.fc2 = nn.Conv2d(2, 4, 1)

    def forward(self, x):
        y = self.conv(x)
        s = torch.sigmoid(self.fc2(torch.relu(self.fc1(nn.functional.adaptive_avg_pool2d(y, 1)))))
        return nn.functional.hardswish(y * s)


class Shuffle(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, (1, 7), padding=(0, 3))
        self.avg = nn.AvgPool2d(2, 2, count_include_pad=False)

    def forward(self, x):
        y = nn.functional.pixel_shuffle(self.conv(x), 2)
        y = nn.functional.pad(y, (1, 0, 2, 1))
        return self.avg(y)[:, :, 1:, ::2]


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 2, 5, stride=4)
        self.fc = nn.Linear(2, 3)

    def forward(self, x):
        y = torch.flatten(nn.functional.adaptive_avg_pool2d(torch.relu(self.conv(x)), 1), 1)
        return torch.softmax(self.fc(y), dim=1)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "onnx")
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    for name, model, opset in [("residual", Residual(), 13), ("up_concat", UpAndConcat(), 11),
                               ("squeeze_excite", SqueezeExcite(), 14),
                               ("shuffle", Shuffle(), 13), ("classifier", Classifier(), 9)]:
        model.eval()
        path = os.path.join(out, name + ".onnx")
        torch.onnx.export(model, torch.zeros(1, 3, 32, 32), path, opset_version=opset,
                          input_names=["x"], output_names=["y"])
        print(path, os.path.getsize(path))


if __name__ == "__main__":
    main()
