# The PyTorch side of one side-by-side measurement process (bench/pytorch/side-by-side.ts): a child
# built to child/cnn-builder.ts' semantics from the tfjs side's initial weights, trained with the same
# recipe on the same batches, printing one JSON line (bench/pytorch/job.ts Outcome). Benchmarks only:
# no test and no part of the search runs it. Run: python child.py '<job JSON>' (or the job on stdin).
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def same_padding(size, window, stride):
    """TensorFlow's 'same' padding of one dimension: (before, after), the odd pixel after."""
    total = max((math.ceil(size / stride) - 1) * stride + window - size, 0)
    return total // 2, total - total // 2


def concat_padding(shapes):
    """space/cnn-graph.ts concatPadding: pad every input to the largest, the odd pixel bottom/right."""
    height, width = max(h for h, _ in shapes), max(w for _, w in shapes)
    split = lambda d: (d // 2, d - d // 2)
    return (height, width), [split(height - h) + split(width - w) for h, w in shapes]  # (top, bottom, left, right)


def merge(tensors, shapes):
    """Section 3.3 as buildCnn's merge: zero-pad to the largest input, concatenate on channels."""
    if len(tensors) == 1:
        return tensors[0]
    _, paddings = concat_padding(shapes)
    padded = [x if max(p) == 0 else F.pad(x, (p[2], p[3], p[0], p[1])) for x, p in zip(tensors, paddings)]
    return torch.cat(padded, dim=1)  # [batch, sum channels, targetH, targetW]


class Child(nn.Module):
    """buildCnn's network: per layer conv (no bias) -> batch norm -> ReLU, or a pool; unconsumed
    outputs merged, global average pooling, a dense classifier (logits here; the loss takes them)."""

    def __init__(self, arch, height, width, channels, classes, batch_norm):
        super().__init__()
        self.layers = arch['layers']
        self.shapes, self.pads, out_channels, self.convs, self.norms = [], [], [], nn.ModuleList(), nn.ModuleList()
        for layer in self.layers:
            sources = layer['inputs']
            (h, w) = (height, width) if not sources else concat_padding([self.shapes[j] for j in sources])[0]
            c_in = channels if not sources else sum(out_channels[j] for j in sources)
            s = layer['stride']
            self.shapes.append((math.ceil(h / s), math.ceil(w / s)))
            if layer.get('type') is None:
                kh, kw = layer['filterHeight'], layer['filterWidth']
                symmetric = s == 1 and kh % 2 == 1 and kw % 2 == 1  # 'same' is then plain symmetric padding
                self.pads.append(None if symmetric else same_padding(h, kh, s) + same_padding(w, kw, s))  # (top, bottom, left, right)
                self.convs.append(nn.Conv2d(c_in, layer['filters'], (kh, kw), s, (kh // 2, kw // 2) if symmetric else 0, bias=False))
                # tfjs' momentum m keeps m of the old average; PyTorch's momentum is the new value's share.
                self.norms.append(nn.BatchNorm2d(layer['filters'], eps=batch_norm['epsilon'], momentum=1 - batch_norm['momentum']))
                out_channels.append(layer['filters'])
            else:
                self.pads.append(same_padding(h, layer['filterHeight'], s) + same_padding(w, layer['filterWidth'], s))
                self.convs.append(None)
                self.norms.append(None)
                out_channels.append(c_in)
        consumed = {j for layer in self.layers for j in layer['inputs']}
        self.unconsumed = [i for i in range(len(self.layers)) if i not in consumed]
        self.dense = nn.Linear(sum(out_channels[j] for j in self.unconsumed), classes)

    def pool(self, layer, pad, x):
        """TensorFlow's 'same' pools: max ignores the padding, average divides by the pixels inside."""
        top, bottom, left, right = pad
        window, stride = (layer['filterHeight'], layer['filterWidth']), layer['stride']
        if layer['type'] == 'maxPool':
            return F.max_pool2d(F.pad(x, (left, right, top, bottom), value=-math.inf), window, stride)
        summed = F.avg_pool2d(F.pad(x, (left, right, top, bottom)), window, stride)
        inside = F.avg_pool2d(F.pad(torch.ones_like(x[:1, :1]), (left, right, top, bottom)), window, stride)
        return summed / inside

    def forward(self, images):  # images [batch, c, h, w]
        outputs = []
        for i, layer in enumerate(self.layers):
            sources = layer['inputs']
            x = images if not sources else merge([outputs[j] for j in sources], [self.shapes[j] for j in sources])
            if self.convs[i] is None:
                outputs.append(self.pool(layer, self.pads[i], x))
                continue
            if self.pads[i] is not None:
                top, bottom, left, right = self.pads[i]
                x = F.pad(x, (left, right, top, bottom))
            outputs.append(F.relu(self.norms[i](self.convs[i](x))))  # [batch, filters, h', w']
        features = merge([outputs[j] for j in self.unconsumed], [self.shapes[j] for j in self.unconsumed])
        return self.dense(features.mean(dim=(2, 3)))  # [batch, classes]

    def load_tfjs(self, manifest, flat):
        """Copies the tfjs weights in, transposed: conv [h, w, in, out] -> [out, in, h, w]; dense [in, out] -> [out, in]."""
        tensors = {t['name']: torch.from_numpy(flat[t['offset']:t['offset'] + math.prod(t['shape'])].reshape(t['shape'])) for t in manifest['tensors']}
        with torch.no_grad():
            for i, conv in enumerate(self.convs):
                if conv is None:
                    continue
                conv.weight.copy_(tensors[f'layer{i}_conv/kernel'].permute(3, 2, 0, 1))
                norm = self.norms[i]
                for ours, theirs in (('weight', 'gamma'), ('bias', 'beta'), ('running_mean', 'moving_mean'), ('running_var', 'moving_variance')):
                    getattr(norm, ours).copy_(tensors[f'layer{i}_bn/{theirs}'])
            self.dense.weight.copy_(tensors['classifier_dense/kernel'].t())
            self.dense.bias.copy_(tensors['classifier_dense/bias'])

    def kernels(self):
        """What child.weightDecay decays (trainer/weight-decay.ts): conv and dense kernels only."""
        return [c.weight for c in self.convs if c is not None] + [self.dense.weight]


def read_data(folder):
    """A data folder of bench/pytorch/exchange.ts writeData: NHWC images become NCHW tensors."""
    meta = json.load(open(os.path.join(folder, 'data.json')))
    def split(name):
        images = np.fromfile(os.path.join(folder, f'{name}-images.f32'), dtype=np.float32)
        images = images.reshape(meta[name], meta['height'], meta['width'], meta['channels']).transpose(0, 3, 1, 2)
        labels = np.fromfile(os.path.join(folder, f'{name}-labels.i32'), dtype=np.int32).astype(np.int64)
        return torch.from_numpy(np.ascontiguousarray(images)), torch.from_numpy(labels)
    orders = np.fromfile(os.path.join(folder, 'orders.i32'), dtype=np.int32).astype(np.int64).reshape(meta['epochs'], meta['train'])
    return meta, split('train'), split('valid'), torch.from_numpy(orders)


def train_child(job, child, meta, train, valid, orders, epochs):
    """trainer/train-child.ts' loop: the epoch's order in batches, the mean loss, validation after each epoch."""
    started, cpu_started = time.perf_counter(), time.process_time()
    recipe = job['recipe']
    manifest = json.load(open(child['weights'] + '.json'))
    model = Child(child['arch'], meta['height'], meta['width'], meta['channels'], meta['numClasses'], manifest['batchNorm'])
    model.load_tfjs(manifest, np.fromfile(child['weights'] + '.f32', dtype=np.float32))
    if job.get('channelsLast'):  # PyTorch's faster CPU layout for convolutions; not its default
        model = model.to(memory_format=torch.channels_last)
        train = (train[0].contiguous(memory_format=torch.channels_last), train[1])
        valid = (valid[0].contiguous(memory_format=torch.channels_last), valid[1])
    if recipe['optimizer'] == 'adam':  # tfjs' Adam: betas 0.9, 0.999; epsilon 1e-7 (its backend epsilon in float32)
        optimizer = torch.optim.Adam(model.parameters(), lr=recipe['learningRate'], eps=1e-7)
    else:  # section 4.1's Nesterov momentum, as tfjs' MomentumOptimizer(useNesterov)
        optimizer = torch.optim.SGD(model.parameters(), lr=recipe['learningRate'], momentum=recipe['momentum'], nesterov=True)
    (images, labels), (valid_images, valid_labels) = train, valid
    kernels, decay = model.kernels(), recipe['weightDecay']
    stamps, losses, accuracies = [], [], []
    for epoch in range(epochs):
        model.train()
        order, total = orders[epoch], 0.0
        for start in range(0, len(order), recipe['batchSize']):
            batch = order[start:start + recipe['batchSize']]
            loss = F.cross_entropy(model(images.index_select(0, batch)), labels.index_select(0, batch))
            if decay > 0:  # (weightDecay / 2) * sum of squared kernels, in the reported loss as tfjs does
                loss = loss + decay / 2 * sum((k * k).sum() for k in kernels)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            value = loss.item()
            if not math.isfinite(value):
                raise RuntimeError(f"{child['name']}: non-finite loss at epoch {epoch}")
            total += value * len(batch)
        losses.append(total / len(order))
        model.eval()
        correct = 0
        with torch.no_grad():
            for start in range(0, len(valid_labels), 256):
                predicted = model(valid_images[start:start + 256]).argmax(dim=1)
                correct += int((predicted == valid_labels[start:start + 256]).sum())
        accuracies.append(correct / len(valid_labels))
        stamps.append(time.perf_counter())
    steady = len(orders[0]) * (epochs - 1) / (stamps[-1] - stamps[0]) if epochs > 1 else float('nan')
    return {'name': child['name'], 'seconds': time.perf_counter() - started, 'cpuSeconds': time.process_time() - cpu_started,
            'steadyImagesPerSecond': steady,
            'validationAccuracies': accuracies, 'losses': losses}


def main():
    job = json.loads(sys.argv[1] if len(sys.argv) > 1 else sys.stdin.read())
    torch.set_num_threads(job['threads'])
    torch.set_num_interop_threads(1)
    meta, train, valid, orders = read_data(job['data'])
    epochs = job['recipe']['epochs']
    if epochs > meta['epochs']:
        raise ValueError(f"the data folder holds batch orders for {meta['epochs']} epochs, the recipe asks {epochs}")
    if job['warmup']:
        train_child(job, job['children'][0], meta, train, valid, orders, 1)
    children = [train_child(job, child, meta, train, valid, orders, epochs) for child in job['children']]
    print(json.dumps({'side': 'pytorch', 'version': f'torch {torch.__version__}', 'children': children}))


if __name__ == '__main__':
    main()
