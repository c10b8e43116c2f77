using Microsoft.AspNetCore.Authentication;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.WebEncoders;
using PointsEngine.Api.Access;

namespace PointsEngine.Api.Web;

/// The web pages (Razor Pages under Pages/, server-rendered, no script build): sign-in by the page
/// cookie, antiforgery on every form, policies by role.
public static class WebRegistration
{
    public static IServiceCollection AddWebPages(this IServiceCollection services)
    {
        services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/", WebAccess.Reader);
            o.Conventions.AllowAnonymousToPage("/Index");
            o.Conventions.AllowAnonymousToPage("/SignIn");
            o.Conventions.AllowAnonymousToPage("/Denied");
            o.Conventions.AllowAnonymousToPage("/SignOut");
            o.Conventions.AllowAnonymousToPage("/Accounts/Invitation");
            o.Conventions.AddPageRoute("/Members/Standing", "me");
        });
        // Chinese text as text, not as &#x…; entities (still encoded where HTML needs it).
        services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "pe_af";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "__af";
        });
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, PageTokenHandler>(PageTokenHandler.SchemeName, null);
        AuthorizationPolicy Policy(params string[] roles)
        {
            var p = new AuthorizationPolicyBuilder(PageTokenHandler.SchemeName).RequireAuthenticatedUser();
            if (roles.Length > 0) p.RequireRole(roles);
            return p.Build();
        }
        services.AddAuthorizationBuilder()
            .AddPolicy(WebAccess.Reader, Policy())
            .AddPolicy(WebAccess.Viewer, Policy(Roles.Admin, Roles.Secretary, Roles.Appraiser))
            .AddPolicy(WebAccess.Recorder, Policy(Roles.Admin, Roles.Secretary))
            .AddPolicy(WebAccess.Admin, Policy(Roles.Admin));
        services.AddSingleton<IPublishedRankings, NoticeRankings>();
        services.AddSingleton<RuleDrafts>();
        return services;
    }

    /// Outside /api the signed-in person (if any) is the page cookie's, so every page, the anonymous ones
    /// too, can say who is signed in.
    public static IApplicationBuilder UsePageSignIn(this IApplicationBuilder app) =>
        app.UseWhen(c => !c.Request.Path.StartsWithSegments("/api"), b => b.Use(async (context, next) =>
        {
            var result = await context.AuthenticateAsync(PageTokenHandler.SchemeName);
            if (result.Succeeded) context.User = result.Principal;
            await next(context);
        }));
}
