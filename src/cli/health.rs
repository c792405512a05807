//! `vitext health`: asks a server's grpc.health.v1 service whether it is SERVING, so a
//! container HEALTHCHECK or a script needs nothing but the vitext binary.
use std::process::ExitCode;
use std::time::Duration;

use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

#[derive(clap::Args)]
pub struct HealthArgs {
    #[command(flatten)]
    connect: super::client::ConnectArgs,
    /// Service to ask about ("" is the server as a whole).
    #[arg(long, default_value = "vitext.v1.TextAnalyzer")]
    service: String,
    /// Seconds to wait for the answer, connecting included.
    #[arg(long, default_value_t = 3.0)]
    timeout_seconds: f64,
}

/// Exit 0 when SERVING, 1 otherwise (the status or the error is printed).
pub fn main(args: HealthArgs) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("vitext health: {e}");
            return ExitCode::FAILURE;
        }
    };
    let timeout = Duration::from_secs_f64(args.timeout_seconds.clamp(0.05, 3600.0));
    match runtime.block_on(async { tokio::time::timeout(timeout, check(&args)).await }) {
        Ok(Ok(ServingStatus::Serving)) => {
            println!("SERVING");
            ExitCode::SUCCESS
        }
        Ok(Ok(status)) => {
            println!("{}", status.as_str_name());
            ExitCode::FAILURE
        }
        Ok(Err(e)) => {
            eprintln!("vitext health: {}: {e}", args.connect.addr);
            ExitCode::FAILURE
        }
        Err(_) => {
            eprintln!(
                "vitext health: {}: no answer within {timeout:?}",
                args.connect.addr
            );
            ExitCode::FAILURE
        }
    }
}

async fn check(args: &HealthArgs) -> Result<ServingStatus, Box<dyn std::error::Error>> {
    let (channel, token) = args.connect.connect().await?;
    let answer = HealthClient::with_interceptor(channel, token)
        .check(HealthCheckRequest {
            service: args.service.clone(),
        })
        .await?
        .into_inner();
    Ok(ServingStatus::try_from(answer.status).unwrap_or(ServingStatus::Unknown))
}
