""""You said, we did": the short notes an area publishes to tell respondents
what the answers showed and what the area changed because of them."""
