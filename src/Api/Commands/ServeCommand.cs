using System.CommandLine;
using System.Text.Json.Serialization;
using PointsEngine.Api.Access;
using PointsEngine.Api.Features;
using PointsEngine.Api.Hosting;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Reading;
using PointsEngine.Api.Web;
using PointsEngine.Store;

namespace PointsEngine.Api.Commands;

/// `pointsengine serve [--urls http://127.0.0.1:5080] [--Store:Path data/points.db] [--Section:Key value …]`:
/// the HTTP API. Everything after `serve` is handed to the web host as configuration, as before the
/// command line existed (README's run command).
public static class ServeCommand
{
    public const string Name = "serve";

    public static Command Create()
    {
        var command = new Command(Name,
            "运行 HTTP API（默认命令）；其后的参数作为配置项传给服务器，如 --urls http://127.0.0.1:8080 --Store:Path data/points.db / " +
            "run the HTTP API (the default command); what follows is configuration for the web host, e.g. --urls http://127.0.0.1:8080 --Store:Path data/points.db")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        // No exception handling here: WebApplicationFactory stops the entry point with an exception once the
        // host is built, and start-up failures should surface as the host reports them.
        command.SetAction(parse => Run([.. parse.UnmatchedTokens]));
        return command;
    }

    public static int Run(string[] webArgs)
    {
        var builder = WebApplication.CreateBuilder(webArgs);
        // First of the problem writers (MVC's and AddProblemDetails' come after): every problem is JSON
        // whatever Accept says (#16 finding 2.1).
        builder.Services.AddSingleton<IProblemDetailsWriter, ProblemJsonWriter>();
        builder.Services.AddEventStore(builder.Configuration);
        builder.Services.AddScoring(builder.Configuration);
        builder.Services.AddReadModels(builder.Configuration);
        builder.Services.AddAccessControl(builder.Configuration);
        builder.Services.AddWorkflows(builder.Configuration);
        builder.Services.AddDocumentedOpenApi();
        builder.Services.AddWebPages();
        builder.Services.AddTrustedProxies(builder.Configuration);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        // Malformed JSON, wrong types and missing bodies throw, so the exception handler answers them with a
        // problem document naming the field (instead of a bare 400).
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            // A misspelt field ("attendence") is an error, not silently ignored.
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.AllowTrailingCommas = false;
            // Answers carry identifiers as strings, points as numbers, enums by name.
            DomainJson.Configure(o.SerializerOptions);
        });

        var app = builder.Build();
        // Open the store now: a wrong path or provider stops start-up with its message, not the first request.
        app.Services.GetRequiredService<IEventStore>();
        var key = app.Services.GetRequiredService<SigningKey>();
        app.Logger.LogInformation("Bearer tokens are checked with the signing key from {Source}", key.Source);

        // The scheme and client address a trusted proxy forwards, before anything reads them (cookies' Secure flag).
        app.UseForwardedHeaders();
        app.UseMiddleware<SecurityHeaders>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UsePageSignIn();
        app.UseAuthorization();
        // After authentication: claim submissions are limited per signed-in account (#16 finding 2.5).
        app.UseRateLimiter();
        // Only once the caller is known and allowed: an anonymous or forbidden body is never read (#16 finding 2.3).
        app.UseMiddleware<RequestSizeLimit>();
        app.UseMiddleware<ContentCharset>();

        // Only the one document there is: the OpenAPI endpoint answers an unknown name with a plain-text 404 of
        // its own; outside the constraint the route does not match and the 404 is a problem document (#16 3.3).
        app.MapOpenApi("/openapi/{documentName:regex(^v1$)}.json");
        app.MapHealth();
        app.MapAccess();
        app.MapOrganisation();
        app.MapMeetings();
        app.MapSuggestions();
        app.MapGoldenIdeas();
        app.MapVolunteerService();
        app.MapActivities();
        app.MapAdjustments();
        app.MapRevocations();
        app.MapAmendments();
        app.MapCalendar();
        app.MapRules();
        app.MapRuleSimulation();
        app.MapStanding();
        app.MapRankings();
        app.MapEvidence();
        app.MapDashboard();
        app.MapRazorPages();
        app.MapClaims();
        app.MapNotices();
        app.MapCheckIns();
        app.Run();
        return ExitCodes.Ok;
    }
}
