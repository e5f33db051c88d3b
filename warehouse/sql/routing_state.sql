SELECT team, member, total_assigned, week_start, week_assigned FROM core.routing_state ORDER BY team, member
