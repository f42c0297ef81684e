"""initialize and initialized: the settings resolved once (client options, workspace configuration, --model),
then the context and the model host started with them."""

import asyncio
import logging

from lsprotocol import types

from offgrid import log_privacy
from offgrid.config import parse_settings, with_model_flag
from offgrid.host import ModelHost
from offgrid.lsp.context_sync import create_context, start_indexing
from offgrid.lsp.notices import model_loaded
from offgrid.lsp.progress import LspProgress
from offgrid.lsp.state import OffgridServer

log = logging.getLogger(__name__)


def initialize(ls: OffgridServer, params: types.InitializeParams) -> None:
    """The settings from initializationOptions, and the context service for the workspace folders."""
    settings, problem = parse_settings(params.initialization_options)
    ls.settings = settings
    log_privacy.allow_source_text(settings.log_source_text)
    ls.context = create_context(settings.context, params)
    if problem:
        ls.show(problem, types.MessageType.Warning)


async def initialized(ls: OffgridServer, _params: types.InitializedParams) -> None:
    """Finish the settings, start indexing and load the model; the user hears why when it fails."""
    await _read_workspace_configuration(ls)
    ls.settings = with_model_flag(ls.settings, ls.cli_model)  # --model, then $OFFGRID_MODEL, then the editor's
    settings = ls.settings
    log_privacy.allow_source_text(settings.log_source_text)
    with_progress = _client_has_progress(ls)
    loop = asyncio.get_running_loop()
    progress = LspProgress(ls, loop, "offgrid: fetching the model") if with_progress else None
    ls.context.configure(settings.context)
    start_indexing(ls, with_progress)
    ls.host = ModelHost(settings, progress, ls.context)  # the same Settings object as ls.settings, not a copy
    await asyncio.wrap_future(ls.host.loaded)
    model_loaded(ls)


async def _read_workspace_configuration(ls: OffgridServer) -> None:
    """Merge the `offgrid` workspace configuration section over initializationOptions, where the client has one."""
    caps = ls.client_capabilities.workspace
    if not (caps and caps.configuration):
        return
    try:
        items = [types.ConfigurationItem(section="offgrid")]
        result = await asyncio.wait_for(
            ls.workspace_configuration_async(types.ConfigurationParams(items=items)), timeout=5
        )
    except Exception as e:  # a client that answers badly or never must not stop the server
        log.warning("workspace/configuration failed: %s", e)
        return
    if result and isinstance(result[0], dict) and result[0]:
        ls.settings, problem = parse_settings(result[0], ls.settings)
        if problem:
            ls.show(problem, types.MessageType.Warning)


def _client_has_progress(ls: OffgridServer) -> bool:
    window = ls.client_capabilities.window
    return bool(window and window.work_done_progress)
