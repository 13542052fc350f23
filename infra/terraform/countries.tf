# Every country file becomes a country: adding config/countries/zz.yaml adds module.country["zz"]
# on the next plan, with no Terraform edit. The same files configure the application.

locals {
  countries_dir = "${path.module}/../../config/countries"

  countries = {
    for file in fileset(local.countries_dir, "*.yaml") :
    trimsuffix(file, ".yaml") => yamldecode(file("${local.countries_dir}/${file}"))
  }

  # Meter platforms a country uses: its default plus any a site names. Each needs its secrets.
  country_meter_platforms = {
    for slug, country in local.countries : slug => sort(distinct(concat(
      [country.meters.default_platform],
      [for site in try(country.sites, []) : site.meter_platform if try(site.meter_platform, null) != null],
    )))
  }

  default_country_sizing = {
    desired_count        = 2 # API tasks, fixed
    worker_desired_count = 1 # worker tasks, scaled on CPU up to worker_max_count
    worker_max_count     = 4
    cpu                  = 512
    memory               = 1024
    db_instance_class    = "db.t4g.medium"
    db_allocated_storage = 50
  }

  country_sizing = {
    for slug in keys(local.countries) : slug => merge(
      local.default_country_sizing,
      { for key, value in try(var.country_overrides[slug], {}) : key => value if value != null },
    )
  }

  portal_host      = "app.${var.dns_zone_name}"     # CloudFront: the portal and /api
  gateway_api_host = "gateway.${var.dns_zone_name}" # the load balancer: the gateway itself
}

module "country" {
  source   = "./modules/country"
  for_each = local.countries

  # From the country file.
  code                 = each.value.code
  name                 = each.value.name
  api_port             = each.value.api.port
  meter_platforms      = local.country_meter_platforms[each.key]
  meter_credit_enabled = try(each.value.features.meter_credit, true)

  # From this deployment.
  environment          = var.environment
  container_image      = var.container_image
  desired_count        = local.country_sizing[each.key].desired_count
  worker_desired_count = local.country_sizing[each.key].worker_desired_count
  worker_max_count     = local.country_sizing[each.key].worker_max_count
  cpu                  = local.country_sizing[each.key].cpu
  memory               = local.country_sizing[each.key].memory
  db_instance_class    = local.country_sizing[each.key].db_instance_class
  db_allocated_storage = local.country_sizing[each.key].db_allocated_storage
  jwks_url             = "https://${local.gateway_api_host}/.well-known/jwks.json"
  api_domain           = "api.${var.dns_zone_name}"
  dns_zone_id          = data.aws_route53_zone.public.zone_id
  platform             = local.platform
  alarm_topic_arn      = aws_sns_topic.alarms.arn
}
