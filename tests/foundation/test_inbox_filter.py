"""The inbox filters by step with a select of step titles in Chinese, not a typed code."""

import pytest

from workflows.models import Unit

from .sample_flow import SampleFlow


@pytest.mark.django_db
def test_inbox_step_filter_is_a_select_of_titles(org, web):
    SampleFlow.start.run(subject=Unit.objects.get(code="b01"))
    client = web(org["dangban"])
    page = client.get("/workbench/").content.decode()
    assert '<select name="step">' in page and "步骤代码" not in page and 'placeholder="如 vote"' not in page
    assert '<option value="review">示例审核</option>' in page
    assert '<option value="vote">表决</option>' in page and '<optgroup label="支部换届选举">' in page
    chosen = client.get("/workbench/?step=review").content.decode()
    assert '<option value="review" selected>示例审核</option>' in chosen and "示例审核：" in chosen
    other = client.get("/workbench/?step=vote").content.decode()
    assert "示例审核：" not in other and "暂无待办事项" in other
    only_sample = client.get("/workbench/?flow=sample").content.decode()
    assert '<option value="review">示例审核</option>' in only_sample and 'value="vote"' not in only_sample
