"""The static-batch backend: a manual prefill + decode loop over eager transformers on this machine.

The modules here import torch and transformers (only when a measuring command runs): the loop
(`measure`), the sweep over batch sizes (`runner`), the checks before it (`preflight`), device timing,
memory, energy, training and the hardware microbenchmarks. `peaks` (MBU/MFU of a measured point and the
impossible-point check) is torch-free.
"""
