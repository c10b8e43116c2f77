using PointsEngine.Api.Workflows;

namespace PointsEngine.Api.Hosting;

public static class WorkflowRegistration
{
    /// Member claims with attachments and public notices with objections (issue #5).
    public static IServiceCollection AddWorkflows(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ClaimSettings>(configuration.GetSection(ClaimSettings.Section));
        services.Configure<NoticeSettings>(configuration.GetSection(NoticeSettings.Section));
        services.AddSingleton<AttachmentStore>();
        services.AddSingleton<ClaimGate>();
        services.AddClaimRateLimit();
        services.AddSingleton<WorkflowStreams>();
        services.AddSingleton<ReadModelSync>();
        return services;
    }
}
