using System.Reflection;
using RouteGuide.Cli;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Core.Tests.Cli;

public class VersionTests
{
    [Test]
    public async Task The_tool_reports_the_version_of_the_library_it_is_built_on()
    {
        var library = typeof(FeatureCatalog).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        var tool = typeof(RouteGuideCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

        var result = await CliRunner.RunProcessAsync("--version");

        tool.Should().Be(library, "one version is set for the whole repository");
        result.ExitCode.Should().Be(ExitCodes.Success, result.Error);
        result.Output.Trim().Should().Be(library);
    }
}
