"""The station API: schedules, audio, emergencies and as-run reports for radio stations."""
