"""The task table: nine tasks in four families, aliases and hub configs."""

from robustx.tasks import TASKS, get_task


def test_registry_has_nine_tasks_in_four_families():
    assert len(TASKS.names()) == 9
    fams = {TASKS.get(n).family for n in TASKS.names()}
    assert fams == {"pair", "tagging", "qa", "retrieval"}
    assert get_task("PAWS-X").name == "pawsx"
    assert get_task("udpos").hub_config_for("af") == "udpos.Afrikans"
    assert get_task("tatoeba").hub_config_for("zh") == "tatoeba.cmn"
    assert get_task("mlqa").hub_config_for("hi") == "MLQA.hi.hi"
    assert len(get_task("panx").languages) == 40
