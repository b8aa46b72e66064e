"""The server's status says when the journal fails its integrity check (the sidebar shows it)."""

from __future__ import annotations


async def test_status_carries_the_integrity_check(api, root_project):
    # Given an intact project, status says the journal passes
    code, ok = await api("GET", "projects", "churn-risk", "status")
    assert code == 200 and ok["integrity"] == {"ok": True, "check": "", "message": ""}
    # When its first entry is edited by hand
    text = root_project.journal_path.read_text()
    root_project.journal_path.write_text(text.replace('"kind":"project_created"', '"kind":"project_renamed"'))
    # Then status still answers, with the failed check and the verify message
    code, broken = await api("GET", "projects", "churn-risk", "status")
    assert code == 200 and broken["integrity"]["ok"] is False and broken["integrity"]["check"] == "content hash"
    assert "entry 1 (line 1) fails the content hash check" in broken["integrity"]["message"]
