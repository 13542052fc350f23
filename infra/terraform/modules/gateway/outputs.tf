output "portal_url" {
  description = "Where staff open the portal."
  value       = "https://${var.portal_host}"
}

output "api_url" {
  description = "The gateway behind the load balancer (JWKS for the country APIs)."
  value       = module.service.url
}

output "portal_bucket" {
  description = "Upload frontend/dist here (`aws s3 sync frontend/dist s3://…`)."
  value       = aws_s3_bucket.portal.id
}

output "distribution_id" {
  description = "CloudFront distribution to invalidate after an upload."
  value       = aws_cloudfront_distribution.portal.id
}

output "signing_key_secret_id" {
  description = "Secret an operator sets with the gateway's private signing JWK."
  value       = aws_secretsmanager_secret.signing_key.id
}
