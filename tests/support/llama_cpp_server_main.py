"""`python -m llama_cpp.server` with offgrid's one change to llama.cpp's model parameters: no extra weight buffers
on a build that multiplies with AMX, whose matmul dies with SIGSEGV in llama-cpp-python 0.3.36 (engine/model.py
amx_built). Run as a script with the server's own arguments."""

import runpy

import llama_cpp.llama_cpp as low
from offgrid.engine.model import amx_built

_defaults = low.llama_model_default_params


def _params() -> low.llama_model_params:
    params = _defaults()
    params.use_extra_bufts = not amx_built()
    return params


low.llama_model_default_params = _params
runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)
