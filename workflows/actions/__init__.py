"""Everyday task actions for every flow: 转办 (reassign), 委托 (delegation), 加签 (consult), 催办 (urge), 抄送 (cc).

One module per action holds its services (`<entity>_<action>`) and reads; `models.py` the audited
records; `views.py`/`api.py` the pages and REST endpoints. Delegation reaches the task machinery
through `workflows.tasks.standins` (workflows.tasks never imports this app).
"""
