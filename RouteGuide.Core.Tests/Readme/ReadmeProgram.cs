using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
// snippet: program-usings
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using RouteGuide.Core.AspNetCore;
// end snippet

namespace RouteGuide.Core.Tests.Readme;

/// <summary>
/// The hosting <c>Program.cs</c> of README.md: the <c>dotnet new web</c> template plus RouteGuide. Its
/// usings and its top-level statements appear in the README word for word, one after the other, and
/// <see cref="ReadmeProgramTests"/> runs it.
/// </summary>
internal static class ReadmeProgram
{
    public static void Run(string[] args)
    {
        // snippet: program
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddRouteGuideServer(); // gRPC, the RouteGuide service and its call policy
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // The template's endpoints keep HTTP/1.1 for browsers; gRPC gets cleartext HTTP/2 (h2c) on its own port.
            kestrel.Listen(IPAddress.Loopback, builder.Configuration.GetValue("WebPort", 5000));
            kestrel.Listen(IPAddress.Loopback, builder.Configuration.GetValue("GrpcPort", 5001),
                listen => listen.Protocols = HttpProtocols.Http2);
        });

        var app = builder.Build();
        app.MapGet("/", () => "Hello World!");
        app.MapRouteGuide();
        app.Run();
        // end snippet
    }
}
