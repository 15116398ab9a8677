using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace MailHost.Shared.Migrations;

/// <summary>The first schema. Written by hand: dotnet-ef cannot run here (shared/TOOLCHAIN.md).</summary>
[DbContext(typeof(MailHostDbContext))]
[Migration("20261122000000_Initial")]
public sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.Sql("""
            CREATE TABLE "Accounts" (
                "Id" INTEGER NOT NULL CONSTRAINT "PK_Accounts" PRIMARY KEY AUTOINCREMENT,
                "Address" TEXT NOT NULL,
                "PasswordHash" TEXT NOT NULL,
                "QuotaBytes" INTEGER NOT NULL,
                "Enabled" INTEGER NOT NULL,
                "AllowSmtp" INTEGER NOT NULL,
                "AllowImap" INTEGER NOT NULL,
                "AllowPop3" INTEGER NOT NULL,
                "Version" TEXT NOT NULL
            )
            """);
        migrationBuilder.Sql("""
            CREATE TABLE "AdminUsers" (
                "Id" INTEGER NOT NULL CONSTRAINT "PK_AdminUsers" PRIMARY KEY AUTOINCREMENT,
                "UserName" TEXT NOT NULL,
                "PasswordHash" TEXT NOT NULL
            )
            """);
        migrationBuilder.Sql("""
            CREATE TABLE "Aliases" (
                "Id" INTEGER NOT NULL CONSTRAINT "PK_Aliases" PRIMARY KEY AUTOINCREMENT,
                "Address" TEXT NOT NULL,
                "Targets" TEXT NOT NULL
            )
            """);
        migrationBuilder.Sql("""
            CREATE TABLE "AuditLog" (
                "Id" INTEGER NOT NULL CONSTRAINT "PK_AuditLog" PRIMARY KEY AUTOINCREMENT,
                "TimeUtc" TEXT NOT NULL,
                "Actor" TEXT NOT NULL,
                "Action" TEXT NOT NULL,
                "Entity" TEXT NOT NULL,
                "OldValue" TEXT NOT NULL,
                "NewValue" TEXT NOT NULL
            )
            """);
        migrationBuilder.Sql("""
            CREATE TABLE "Certificates" (
                "Id" INTEGER NOT NULL CONSTRAINT "PK_Certificates" PRIMARY KEY AUTOINCREMENT,
                "Name" TEXT NOT NULL,
                "FilePath" TEXT NOT NULL,
                "HostNames" TEXT NOT NULL,
                "Thumbprint" TEXT NOT NULL,
                "KeyAlgorithm" TEXT NOT NULL,
                "NotAfterUtc" TEXT NOT NULL,
                "IsDefault" INTEGER NOT NULL
            )
            """);
        migrationBuilder.Sql("""
            CREATE TABLE "DeliveryLog" (
                "Id" INTEGER NOT NULL CONSTRAINT "PK_DeliveryLog" PRIMARY KEY AUTOINCREMENT,
                "TimeUtc" TEXT NOT NULL,
                "MessageId" TEXT NOT NULL,
                "Sender" TEXT NOT NULL,
                "Recipient" TEXT NOT NULL,
                "Size" INTEGER NOT NULL,
                "Result" TEXT NOT NULL,
                "Reason" TEXT NOT NULL,
                "RemoteHost" TEXT NOT NULL,
                "TlsVersion" TEXT NOT NULL,
                "Cipher" TEXT NOT NULL
            )
            """);
        migrationBuilder.Sql("""
            CREATE TABLE "DkimKeys" (
                "Id" INTEGER NOT NULL CONSTRAINT "PK_DkimKeys" PRIMARY KEY AUTOINCREMENT,
                "Domain" TEXT NOT NULL,
                "Selector" TEXT NOT NULL,
                "Algorithm" INTEGER NOT NULL,
                "PrivateKeyPem" TEXT NOT NULL,
                "CreatedUtc" TEXT NOT NULL,
                "Active" INTEGER NOT NULL
            )
            """);
        migrationBuilder.Sql("""
            CREATE TABLE "Domains" (
                "Id" INTEGER NOT NULL CONSTRAINT "PK_Domains" PRIMARY KEY AUTOINCREMENT,
                "Name" TEXT NOT NULL
            )
            """);
        migrationBuilder.Sql("""
            CREATE TABLE "IpBans" (
                "Id" INTEGER NOT NULL CONSTRAINT "PK_IpBans" PRIMARY KEY AUTOINCREMENT,
                "Address" TEXT NOT NULL,
                "BannedUtc" TEXT NOT NULL,
                "UntilUtc" TEXT NOT NULL,
                "Reason" TEXT NOT NULL
            )
            """);
        migrationBuilder.Sql("""
            CREATE TABLE "IpRanges" (
                "Id" INTEGER NOT NULL CONSTRAINT "PK_IpRanges" PRIMARY KEY AUTOINCREMENT,
                "Name" TEXT NOT NULL,
                "Priority" INTEGER NOT NULL,
                "LowerAddress" TEXT NOT NULL,
                "UpperAddress" TEXT NOT NULL,
                "ExpiresUtc" TEXT NULL,
                "AllowSmtp" INTEGER NOT NULL,
                "AllowImap" INTEGER NOT NULL,
                "AllowPop3" INTEGER NOT NULL,
                "AllowAuth" INTEGER NOT NULL,
                "RequireTlsForAuth" INTEGER NOT NULL,
                "AllowRelay" INTEGER NOT NULL,
                "AllowLocalDeliveryWithoutAuth" INTEGER NOT NULL,
                "NeverBan" INTEGER NOT NULL,
                "Version" TEXT NOT NULL
            )
            """);
        migrationBuilder.Sql("""
            CREATE TABLE "RelayRules" (
                "Id" INTEGER NOT NULL CONSTRAINT "PK_RelayRules" PRIMARY KEY AUTOINCREMENT,
                "Order" INTEGER NOT NULL,
                "Name" TEXT NOT NULL,
                "WhenAuthenticated" INTEGER NULL,
                "IpRangeId" INTEGER NULL,
                "SenderDomain" TEXT NOT NULL,
                "RecipientDomain" TEXT NOT NULL,
                "Action" INTEGER NOT NULL,
                "Text" TEXT NOT NULL,
                "SmartHost" TEXT NOT NULL,
                "SmartHostPort" INTEGER NOT NULL,
                "SmartHostUser" TEXT NOT NULL,
                "SmartHostPassword" TEXT NOT NULL,
                "OutboundTls" INTEGER NOT NULL,
                "OutboundTls12" INTEGER NOT NULL,
                "OutboundTls13" INTEGER NOT NULL,
                "Version" TEXT NOT NULL
            )
            """);
        migrationBuilder.Sql("""
            CREATE TABLE "ServerSettings" (
                "Id" INTEGER NOT NULL CONSTRAINT "PK_ServerSettings" PRIMARY KEY,
                "Revision" INTEGER NOT NULL,
                "Hostname" TEXT NOT NULL,
                "Banner" TEXT NOT NULL,
                "MaxMessageSize" INTEGER NOT NULL,
                "MaxRecipients" INTEGER NOT NULL,
                "VrfyEnabled" INTEGER NOT NULL,
                "ReceivedHeaderShowsAuthUser" INTEGER NOT NULL,
                "RetrySchedule" TEXT NOT NULL,
                "GiveUpAfterHours" INTEGER NOT NULL,
                "MaxConnectionsPerIp" INTEGER NOT NULL,
                "MaxErrorsPerSession" INTEGER NOT NULL,
                "MaxCommandsBeforeMail" INTEGER NOT NULL,
                "AuthFailLimit" INTEGER NOT NULL,
                "AuthFailWindowMinutes" INTEGER NOT NULL,
                "AuthBanMinutes" INTEGER NOT NULL,
                "Version" TEXT NOT NULL
            )
            """);
        migrationBuilder.Sql("""
            CREATE TABLE "TlsLog" (
                "Id" INTEGER NOT NULL CONSTRAINT "PK_TlsLog" PRIMARY KEY AUTOINCREMENT,
                "TimeUtc" TEXT NOT NULL,
                "Listener" TEXT NOT NULL,
                "RemoteEndpoint" TEXT NOT NULL,
                "Protocol" TEXT NOT NULL,
                "TlsVersion" TEXT NOT NULL,
                "Cipher" TEXT NOT NULL,
                "Sni" TEXT NOT NULL,
                "AuthMechanism" TEXT NOT NULL,
                "AuthResult" TEXT NOT NULL,
                "AuthUser" TEXT NOT NULL
            )
            """);
        migrationBuilder.Sql("""
            CREATE TABLE "TlsPolicies" (
                "Id" INTEGER NOT NULL CONSTRAINT "PK_TlsPolicies" PRIMARY KEY AUTOINCREMENT,
                "Name" TEXT NOT NULL,
                "Tls10" INTEGER NOT NULL,
                "Tls11" INTEGER NOT NULL,
                "Tls12" INTEGER NOT NULL,
                "Tls13" INTEGER NOT NULL,
                "CipherList" TEXT NOT NULL,
                "Tls13Suites" TEXT NOT NULL,
                "Version" TEXT NOT NULL
            )
            """);
        migrationBuilder.Sql("""
            CREATE TABLE "Listeners" (
                "Id" INTEGER NOT NULL CONSTRAINT "PK_Listeners" PRIMARY KEY AUTOINCREMENT,
                "Name" TEXT NOT NULL,
                "Protocol" INTEGER NOT NULL,
                "BindAddress" TEXT NOT NULL,
                "Port" INTEGER NOT NULL,
                "TlsMode" INTEGER NOT NULL,
                "AuthAllowed" INTEGER NOT NULL,
                "Enabled" INTEGER NOT NULL,
                "TlsPolicyId" INTEGER NULL,
                "MaxConnections" INTEGER NOT NULL,
                "IdleTimeoutSeconds" INTEGER NOT NULL,
                "Version" TEXT NOT NULL,
                CONSTRAINT "FK_Listeners_TlsPolicies_TlsPolicyId" FOREIGN KEY ("TlsPolicyId") REFERENCES "TlsPolicies" ("Id") ON DELETE SET NULL
            )
            """);
        migrationBuilder.Sql("""
            CREATE UNIQUE INDEX "IX_Accounts_Address" ON "Accounts" ("Address")
            """);
        migrationBuilder.Sql("""
            CREATE UNIQUE INDEX "IX_AdminUsers_UserName" ON "AdminUsers" ("UserName")
            """);
        migrationBuilder.Sql("""
            CREATE UNIQUE INDEX "IX_Aliases_Address" ON "Aliases" ("Address")
            """);
        migrationBuilder.Sql("""
            CREATE INDEX "IX_AuditLog_TimeUtc" ON "AuditLog" ("TimeUtc")
            """);
        migrationBuilder.Sql("""
            CREATE UNIQUE INDEX "IX_Certificates_Name" ON "Certificates" ("Name")
            """);
        migrationBuilder.Sql("""
            CREATE INDEX "IX_DeliveryLog_MessageId" ON "DeliveryLog" ("MessageId")
            """);
        migrationBuilder.Sql("""
            CREATE INDEX "IX_DeliveryLog_TimeUtc" ON "DeliveryLog" ("TimeUtc")
            """);
        migrationBuilder.Sql("""
            CREATE UNIQUE INDEX "IX_DkimKeys_Domain_Selector" ON "DkimKeys" ("Domain", "Selector")
            """);
        migrationBuilder.Sql("""
            CREATE UNIQUE INDEX "IX_Domains_Name" ON "Domains" ("Name")
            """);
        migrationBuilder.Sql("""
            CREATE INDEX "IX_IpBans_Address" ON "IpBans" ("Address")
            """);
        migrationBuilder.Sql("""
            CREATE UNIQUE INDEX "IX_IpRanges_Name" ON "IpRanges" ("Name")
            """);
        migrationBuilder.Sql("""
            CREATE UNIQUE INDEX "IX_Listeners_Name" ON "Listeners" ("Name")
            """);
        migrationBuilder.Sql("""
            CREATE INDEX "IX_Listeners_TlsPolicyId" ON "Listeners" ("TlsPolicyId")
            """);
        migrationBuilder.Sql("""
            CREATE INDEX "IX_TlsLog_TimeUtc" ON "TlsLog" ("TimeUtc")
            """);
        migrationBuilder.Sql("""
            CREATE UNIQUE INDEX "IX_TlsPolicies_Name" ON "TlsPolicies" ("Name")
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropTable("Listeners");
        migrationBuilder.DropTable("TlsPolicies");
        migrationBuilder.DropTable("TlsLog");
        migrationBuilder.DropTable("ServerSettings");
        migrationBuilder.DropTable("RelayRules");
        migrationBuilder.DropTable("IpRanges");
        migrationBuilder.DropTable("IpBans");
        migrationBuilder.DropTable("Domains");
        migrationBuilder.DropTable("DkimKeys");
        migrationBuilder.DropTable("DeliveryLog");
        migrationBuilder.DropTable("Certificates");
        migrationBuilder.DropTable("AuditLog");
        migrationBuilder.DropTable("Aliases");
        migrationBuilder.DropTable("AdminUsers");
        migrationBuilder.DropTable("Accounts");
    }
}
