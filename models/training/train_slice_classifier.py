"""Trains a small slice classifier on tensors exported by the TypeScript pipeline and writes ONNX.

Run with Debian's PyTorch (/usr/bin/python3 has python3-torch and python3-onnx):
  /usr/bin/python3 models/training/train_slice_classifier.py <data-dir> <out.onnx> [epochs]
Fixed seeds and thread count, so a rerun on the same data gives the same model.
"""
import json
import sys

import numpy as np
import torch
from torch import nn

torch.manual_seed(20261128)
np.random.seed(20261128)
torch.set_num_threads(2)

data_dir, out_path = sys.argv[1], sys.argv[2]
epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 8
meta = json.load(open(f"{data_dir}/y.json"))
shape = meta["shape"]
x = np.fromfile(f"{data_dir}/x.f32", dtype=np.float32).reshape(shape)
y = np.array(meta["labels"], dtype=np.float32)
print(f"{len(y)} slices, {int(y.sum())} positive, input {shape[1:]}")


class SliceNet(nn.Module):
    """Four conv blocks and global max pooling: small, and a bright focal lesion anywhere counts."""

    def __init__(self, channels: int):
        super().__init__()
        def block(i, o):
            return nn.Sequential(nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU(), nn.MaxPool2d(2))
        self.features = nn.Sequential(block(channels, 16), block(16, 32), block(32, 48), block(48, 64))
        self.head = nn.Linear(64, 1)

    def forward(self, x):
        f = self.features(x)
        return self.head(torch.amax(f, dim=(2, 3)))


model = SliceNet(shape[1])
positives = max(1.0, float(y.sum()))
loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([(len(y) - positives) / positives]))
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
xt, yt = torch.from_numpy(x), torch.from_numpy(y)
for epoch in range(epochs):
    model.train()
    perm = torch.randperm(len(yt))
    total = 0.0
    for i in range(0, len(perm), 64):
        idx = perm[i:i + 64]
        opt.zero_grad()
        loss = loss_fn(model(xt[idx]).squeeze(1), yt[idx])
        loss.backward()
        opt.step()
        total += float(loss) * len(idx)
    model.eval()
    with torch.no_grad():
        pred = torch.sigmoid(model(xt).squeeze(1)).numpy()
    acc = float(((pred >= 0.5) == (y >= 0.5)).mean())
    print(f"epoch {epoch + 1}: loss {total / len(yt):.4f}, train accuracy {acc:.4f}")

model.eval()
torch.onnx.export(
    model, torch.zeros(1, *shape[1:]), out_path, input_names=["slices"], output_names=["logit"],
    dynamic_axes={"slices": {0: "batch"}, "logit": {0: "batch"}}, opset_version=13,
)
print(f"wrote {out_path}")
