"""`python -m profiles distill`: the real step of each distillation method, phase by phase, on this machine.

Imports torch, transformers, peft and safetensors (measuring commands only): the losses and the LoRA
wrapper (`losses`), the stored top-k logits (`logit_store`), the timed phases (`phases`) and the run that
writes the distillation profile (`run`).
"""
