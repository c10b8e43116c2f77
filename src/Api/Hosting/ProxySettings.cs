using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace PointsEngine.Api.Hosting;

/// Behind a TLS-terminating reverse proxy (nginx, a load balancer) the request reaches Kestrel over plain
/// HTTP from the proxy; the proxy's X-Forwarded-Proto/-For say what the browser really used (issue #16
/// finding 2.8: the sign-in cookie was not Secure behind such a proxy). Only proxies in the
/// "ForwardedHeaders" section are believed: `KnownProxies` (addresses) and `KnownNetworks` (CIDR, e.g.
/// 10.0.0.0/8). With neither set, the loopback addresses are trusted (a proxy on the same machine);
/// setting either replaces that default. Anyone else's X-Forwarded-* headers are ignored.
public static class ProxySettings
{
    public const string Section = "ForwardedHeaders";

    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var proxies = section.GetSection("KnownProxies").Get<string[]>() ?? [];
        var networks = section.GetSection("KnownNetworks").Get<string[]>() ?? [];
        var parsedProxies = proxies.Select(p => IPAddress.TryParse(p.Trim(), out var ip) ? ip
            : throw new InvalidOperationException($"{Section}:KnownProxies: '{p}' is not an IP address.")).ToList();
        var parsedNetworks = networks.Select(n => System.Net.IPNetwork.TryParse(n.Trim(), out var net) ? net
            : throw new InvalidOperationException($"{Section}:KnownNetworks: '{n}' is not a network in CIDR notation (e.g. 10.0.0.0/8).")).ToList();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            if (parsedProxies.Count == 0 && parsedNetworks.Count == 0) return; // the framework's default: loopback only
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var ip in parsedProxies) o.KnownProxies.Add(ip);
            foreach (var net in parsedNetworks) o.KnownIPNetworks.Add(net);
        });
        return services;
    }
}
