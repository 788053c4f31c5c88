"""mall-pa: the PA broadcast and switchboard scheduler of a mall's service desk."""
