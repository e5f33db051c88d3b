INSERT OR REPLACE INTO core.routing_state BY NAME SELECT * FROM new_routing_state
