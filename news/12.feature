Reach: no unit speaks beyond its area. Targets that no approval chain can cover and unknown
units are refused when an item is saved (REST and the Classic UI add form), `@workflow` says
why the reach rule refuses a transition, and an upgrade step withholds items that reached
beyond their approvers' area until they are approved again (docs/approval.md).
