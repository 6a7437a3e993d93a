<#-- Default haproxy.cfg template: the original Synapse's layout. Data model: docs/haproxy-config.md. -->
global
<#list global as line>
	${line}
</#list>
defaults
<#list defaults as line>
	${line}
</#list>
<#list extraSections as section>

${section.title}
<#list section.lines as line>
	${line}
</#list>
</#list>
<#list services as service>
<#if service.frontend??>

frontend ${service.name}
<#list service.frontend.lines as line>
	${line}
</#list>
	bind ${service.frontend.bind}
	default_backend ${service.backendName}
</#if>

backend ${service.backendName}
<#list service.backendLines as line>
	${line}
</#list>
<#list service.servers as server>
	${server.line}
</#list>
</#list>
<#if sharedFrontend??>

frontend shared-frontend
<#list sharedFrontend as line>
	${line}
</#list>
</#if>
