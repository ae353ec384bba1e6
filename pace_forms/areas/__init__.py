"""Areas as respondents see them: the name, logo, contact line and privacy
notice link that the page header shows, and the command that sets them."""
