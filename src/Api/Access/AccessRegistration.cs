using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PointsEngine.Api.Access.Accounts;

namespace PointsEngine.Api.Access;

/// Authorization policies by role; branch scope (a secretary's own branches, a member's own data) is
/// checked per request once the body says which branch or member a write concerns (FactAccess).
public static class AccessPolicies
{
    public const string Admin = "admin";
    /// Admins and branch secretaries: recording facts and organisation changes.
    public const string Recorder = "recorder";
    /// Recorders and members: submissions a member may make for themself.
    public const string Submitter = "submitter";
    /// Members themselves: claims (申报) and objections (异议).
    public const string Member = "member";
    /// Any authenticated role.
    public const string Reader = "reader";
}

public static class AccessRegistration
{
    public static IServiceCollection AddAccessControl(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(_ => SigningKey.LoadOrCreate(configuration));
        services.Configure<AccessSettings>(configuration.GetSection(AccessSettings.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TokenService>();
        // Accounts, invitations and sessions of the people who sign in on the pages (#18).
        services.AddSingleton<AccountBook>();
        services.AddSingleton<Credentials>();
        services.AddHostedService<CredentialFileMigration>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<AccountSessions>();
        services.AddSingleton<AccountInvitations>();
        services.AddSingleton<IntegrationTokens>();
        services.AddSingleton<AccountAudit>();
        services.AddAuthentication(BearerTokens.SchemeName).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(BearerTokens.SchemeName).Configure<TokenService>(BearerTokens.Configure);
        services.AddAuthorizationBuilder()
            .AddPolicy(AccessPolicies.Admin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(AccessPolicies.Recorder, p => p.RequireRole(Roles.Admin, Roles.Secretary))
            .AddPolicy(AccessPolicies.Submitter, p => p.RequireRole(Roles.Admin, Roles.Secretary, Roles.Member))
            .AddPolicy(AccessPolicies.Member, p => p.RequireRole(Roles.Member))
            .AddPolicy(AccessPolicies.Reader, p => p.RequireAuthenticatedUser());
        return services;
    }
}
