# The portal: the React build in a private bucket, served by CloudFront on one origin with
# the gateway's API (/api, /auth, /.well-known go to the gateway; everything else is a file).

locals {
  # AWS managed CloudFront policies.
  caching_optimized             = "658327ea-f89d-4fab-a63d-7e88639e58f6"
  caching_disabled              = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
  all_viewer_except_host_header = "b689b0a8-53d0-40ab-baf2-68738e2966ac"

  gateway_paths = ["/api/*", "/auth/*", "/.well-known/*", "/health"]
}

resource "aws_s3_bucket" "portal" {
  #checkov:skip=CKV_AWS_144:the build is reproducible from git; a replica adds nothing
  #checkov:skip=CKV2_AWS_62:nothing consumes events for portal files
  bucket = "${local.name}-portal-${var.platform.account_id}"
}

resource "aws_s3_bucket_public_access_block" "portal" {
  bucket                  = aws_s3_bucket.portal.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "portal" {
  bucket = aws_s3_bucket.portal.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "portal" {
  bucket = aws_s3_bucket.portal.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.gateway.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_versioning" "portal" {
  bucket = aws_s3_bucket.portal.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "portal" {
  bucket = aws_s3_bucket.portal.id

  rule {
    id     = "drop-old-builds"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = 90
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

resource "aws_s3_bucket_logging" "portal" {
  bucket        = aws_s3_bucket.portal.id
  target_bucket = var.access_logs_bucket
  target_prefix = "s3/portal/"
}

data "aws_iam_policy_document" "portal_bucket" {
  statement {
    sid       = "CloudFrontReadsFiles"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.portal.arn}/*"]
    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.portal.arn]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.portal.arn, "${aws_s3_bucket.portal.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "portal" {
  bucket = aws_s3_bucket.portal.id
  policy = data.aws_iam_policy_document.portal_bucket.json
}

resource "aws_cloudfront_origin_access_control" "portal" {
  name                              = "${local.name}-portal"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

# A single-page app: paths without a file extension load index.html and the router takes over.
resource "aws_cloudfront_function" "spa_routes" {
  name    = "${local.name}-spa-routes"
  runtime = "cloudfront-js-2.0"
  publish = true
  code    = <<-JS
    function handler(event) {
      var request = event.request;
      if (!request.uri.split("/").pop().includes(".")) {
        request.uri = "/index.html";
      }
      return request;
    }
  JS
}

resource "aws_cloudfront_response_headers_policy" "security" {
  name = "${local.name}-security-headers"

  security_headers_config {
    strict_transport_security {
      access_control_max_age_sec = 31536000
      include_subdomains         = true
      preload                    = true
      override                   = true
    }
    content_type_options {
      override = true
    }
    frame_options {
      frame_option = "DENY"
      override     = true
    }
    referrer_policy {
      referrer_policy = "strict-origin-when-cross-origin"
      override        = true
    }
  }
}

resource "aws_cloudfront_distribution" "portal" {
  #checkov:skip=CKV_AWS_310:one origin per path; the gateway is already multi-AZ behind its load balancer and S3 is regional
  #checkov:skip=CKV_AWS_374:staff and partners log in from several countries and while travelling; access is by login, not geography
  enabled             = true
  is_ipv6_enabled     = true
  comment             = "GridCare portal and gateway API"
  aliases             = [var.portal_host]
  default_root_object = "index.html"
  price_class         = "PriceClass_All"
  web_acl_id          = aws_wafv2_web_acl.portal.arn
  http_version        = "http2and3"

  origin {
    origin_id                = "portal-files"
    domain_name              = aws_s3_bucket.portal.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.portal.id
  }

  origin {
    origin_id   = "gateway"
    domain_name = var.api_host

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  default_cache_behavior {
    target_origin_id           = "portal-files"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = local.caching_optimized
    response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id

    function_association {
      event_type   = "viewer-request"
      function_arn = aws_cloudfront_function.spa_routes.arn
    }
  }

  dynamic "ordered_cache_behavior" {
    for_each = local.gateway_paths

    content {
      path_pattern               = ordered_cache_behavior.value
      target_origin_id           = "gateway"
      viewer_protocol_policy     = "https-only"
      allowed_methods            = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
      cached_methods             = ["GET", "HEAD"]
      compress                   = true
      cache_policy_id            = local.caching_disabled
      origin_request_policy_id   = local.all_viewer_except_host_header
      response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id
    }
  }

  logging_config {
    bucket          = "${var.access_logs_bucket}.s3.amazonaws.com"
    prefix          = "cloudfront/portal/"
    include_cookies = false
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn      = aws_acm_certificate_validation.portal.certificate_arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }
}

resource "aws_acm_certificate" "portal" {
  provider = aws.us_east_1

  domain_name       = var.portal_host
  validation_method = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "portal_certificate_validation" {
  for_each = {
    for option in aws_acm_certificate.portal.domain_validation_options : option.domain_name => option
  }

  zone_id         = var.dns_zone_id
  name            = each.value.resource_record_name
  type            = each.value.resource_record_type
  records         = [each.value.resource_record_value]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "portal" {
  provider = aws.us_east_1

  certificate_arn         = aws_acm_certificate.portal.arn
  validation_record_fqdns = [for record in aws_route53_record.portal_certificate_validation : record.fqdn]
}

resource "aws_route53_record" "portal" {
  for_each = toset(["A", "AAAA"])

  zone_id = var.dns_zone_id
  name    = var.portal_host
  type    = each.value

  alias {
    name                   = aws_cloudfront_distribution.portal.domain_name
    zone_id                = aws_cloudfront_distribution.portal.hosted_zone_id
    evaluate_target_health = false
  }
}

resource "aws_wafv2_web_acl" "portal" {
  provider = aws.us_east_1

  name  = "${local.name}-portal"
  scope = "CLOUDFRONT"

  default_action {
    allow {}
  }

  rule {
    name     = "aws-common"
    priority = 10

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesCommonRuleSet"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "aws-common"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "aws-known-bad-inputs"
    priority = 20

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "aws-known-bad-inputs"
      sampled_requests_enabled   = true
    }
  }

  # Anonymisers are blocked; hosting-provider addresses only counted, since the federation
  # gateway itself calls out from AWS.
  rule {
    name     = "aws-anonymous-ip"
    priority = 30

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesAnonymousIpList"

        rule_action_override {
          name = "HostingProviderIPList"

          action_to_use {
            count {}
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "aws-anonymous-ip"
      sampled_requests_enabled   = true
    }
  }

  # Login is the one form anyone can reach: 100 attempts per 5 minutes per address.
  rule {
    name     = "login-rate-limit"
    priority = 40

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit              = 100
        aggregate_key_type = "IP"

        scope_down_statement {
          byte_match_statement {
            search_string         = "/auth/"
            positional_constraint = "STARTS_WITH"

            field_to_match {
              uri_path {}
            }

            text_transformation {
              priority = 0
              type     = "NONE"
            }
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "login-rate-limit"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${local.name}-portal"
    sampled_requests_enabled   = true
  }
}

resource "aws_cloudwatch_log_group" "waf_portal" {
  provider = aws.us_east_1

  name              = "aws-waf-logs-${local.name}-portal"
  retention_in_days = 365
  kms_key_id        = aws_kms_key.waf_logs.arn
}

resource "aws_wafv2_web_acl_logging_configuration" "portal" {
  provider = aws.us_east_1

  resource_arn            = aws_wafv2_web_acl.portal.arn
  log_destination_configs = [aws_cloudwatch_log_group.waf_portal.arn]
}

# CloudFront's WAF and its logs live in us-east-1, and a log group's key must be in its region.
data "aws_iam_policy_document" "waf_logs_key" {
  #checkov:skip=CKV_AWS_109:a key policy's Resource "*" is the key itself; root administers it, as in AWS's default key policy
  #checkov:skip=CKV_AWS_111:a key policy's Resource "*" is the key itself; services are limited by principal and condition
  #checkov:skip=CKV_AWS_356:a key policy's Resource "*" is the key itself, never other resources
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${var.platform.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogsEncrypt"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.us-east-1.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "waf_logs" {
  provider = aws.us_east_1

  description             = "${local.name}: portal WAF logs"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.waf_logs_key.json
}
