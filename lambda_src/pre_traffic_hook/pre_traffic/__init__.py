"""The pre-traffic hook's logic, kept in a package so its module names cannot collide with other code."""
