from odoo import api, fields, models

OSM_TILES = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_COPYRIGHT = "&copy; <a href='https://www.openstreetmap.org/copyright'>OpenStreetMap</a>"


class ResConfigSettings(models.TransientModel):
    # explicit _name: res_config_settings.py holds the scheduler's settings, this file the
    # board's map
    _name = "res.config.settings"
    _inherit = "res.config.settings"

    fs_map_tile_url = fields.Char(
        string="Map Tile Server",
        config_parameter="leaflet.tile_url",
        default=OSM_TILES,
        help="URL template of the map tiles ({s}, {z}, {x}, {y}); OpenStreetMap's by default.",
    )
    fs_map_copyright = fields.Char(
        string="Map Attribution",
        config_parameter="leaflet.copyright",
        help="The tile server's credit shown on the map (HTML).",
    )

    @api.model
    def _fs_default_tile_server(self):
        """OpenStreetMap's tiles unless the administrator set a server (web_leaflet_lib
        leaves it unset outside demo databases)."""
        params = self.env["ir.config_parameter"].sudo()
        if params.get_param("leaflet.tile_url") in (False, "", "False"):
            params.set_param("leaflet.tile_url", OSM_TILES)
        if not (params.get_param("leaflet.copyright") or "").strip():
            params.set_param("leaflet.copyright", OSM_COPYRIGHT)
