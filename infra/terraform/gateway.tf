# The federation gateway, told where every country's API answers.

module "gateway" {
  source = "./modules/gateway"

  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  environment        = var.environment
  container_image    = var.container_image
  country_api_urls   = { for slug, country in module.country : slug => country.api_url }
  portal_host        = local.portal_host
  api_host           = local.gateway_api_host
  dns_zone_id        = data.aws_route53_zone.public.zone_id
  access_logs_bucket = aws_s3_bucket.logs.id
  alarm_topic_arn    = aws_sns_topic.alarms.arn
  platform           = local.platform
}
